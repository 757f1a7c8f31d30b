using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Linq;
using System.Threading;
using SharedStruct.Diagnostics;
using SharedStruct.Scenarios;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Commands;

/// <summary>
/// Issue 13's "done when": contention, a timeout and a kill -9 recovery, each seen both in the header statistics
/// through the tool (a real <c>sharedstruct stats</c> process) and in the <c>SharedStruct</c> meter through a
/// <see cref="MeterListener"/>. The events come from real child processes; the same segment, before them, shows none
/// of them in either place, so the assertions can fail.
/// </summary>
[Collection(ProcessCollection.Name)]
public class StatisticsAndMeterTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Contention_a_timeout_and_a_kill_9_recovery_show_in_sharedstruct_stats_and_in_the_meter()
    {
        using var t = new TestSegment();
        using var meter = new SegmentMeasurements(t.Name);
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        for (int i = 0; i < 3; i++)
            seg.Lock(Second).Dispose();

        // Before: uncontended use only. Nothing to see in either place.
        ToolResult before = Stats(t);
        Assert.Equal("3", Columns.Header(before.Output, "Acquisitions"));
        Assert.Equal("0", Columns.Header(before.Output, "Contended"));
        Assert.Equal("0", Columns.Header(before.Output, "Timeouts"));
        Assert.Equal("none", Columns.Header(before.Output, "Recoveries"));
        meter.Collect();
        Assert.Equal(3L, meter.Last("sharedstruct.segment.lock.acquisitions"));
        Assert.Equal(0L, meter.Last("sharedstruct.segment.lock.contended_acquisitions"));
        Assert.Equal(0L, meter.Last("sharedstruct.segment.lock.timeouts"));
        Assert.Equal(0L, meter.Last("sharedstruct.segment.lock.recoveries"));
        Assert.Empty(meter.All("sharedstruct.lock.wait.duration"));
        Assert.Empty(meter.All("sharedstruct.lock.timeouts"));
        Assert.Empty(meter.All("sharedstruct.lock.recoveries"));

        // Contention: a child holds the lock; this process waits until the child lets go 200 ms later.
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked pid=");
            var release = new TestThread(() =>
            {
                Thread.Sleep(200);
                holder.Send("");
            });
            release.Start();
            using (var g = seg.Lock(TimeSpan.FromSeconds(30)))
                Assert.False(g.WasAbandoned);
            release.Join();
            Assert.Equal("released", holder.ReadLine());
        }

        // A timeout: a child holds the lock for longer than this process is willing to wait.
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked pid=");
            Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(50), out _));
            holder.Send("");
            Assert.Equal("released", holder.ReadLine());
        }

        // A recovery: a child killed with kill -9 while it holds the lock; this process takes the lock over.
        int deadPid;
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            deadPid = int.Parse(holder.Expect("locked pid=").Substring("locked pid=".Length), CultureInfo.InvariantCulture);
            holder.KillHard();
        }
        using (var g = seg.Lock(TimeSpan.FromSeconds(30)))
            Assert.True(g.WasAbandoned);

        // The header, through the tool: 3 + this process's contended lock + the two holders' + the timed-out holder's
        // + the recovery = 8 acquisitions; the contended lock and the recovery waited; one timeout; one recovery.
        SegmentStatistics header = SegmentInspector.Inspect(t.Name, t.Options).Statistics;
        ToolResult after = Stats(t);
        Assert.Equal("8", Columns.Header(after.Output, "Acquisitions"));
        Assert.Equal(8UL, header.Acquisitions);
        Assert.StartsWith("2 (", Columns.Header(after.Output, "Contended"));
        Assert.Equal(2UL, header.ContendedAcquisitions);
        Assert.StartsWith("total ", Columns.Header(after.Output, "Waits"));
        Assert.Equal("1", Columns.Header(after.Output, "Timeouts"));
        string recoveries = Columns.Header(after.Output, "Recoveries");
        Assert.StartsWith("1, last at ", recoveries);
        Assert.EndsWith($" from dead process {deadPid}", recoveries);

        // The meter: the observable instruments read the same header; the slow-path instruments recorded this
        // process's events as they happened.
        meter.Collect();
        Assert.Equal(8L, meter.Last("sharedstruct.segment.lock.acquisitions"));
        Assert.Equal(2L, meter.Last("sharedstruct.segment.lock.contended_acquisitions"));
        Assert.Equal(header.TotalWait.TotalSeconds, (double)meter.Last("sharedstruct.segment.lock.wait.time"), tolerance: 1e-6);
        Assert.Equal(1L, meter.Last("sharedstruct.segment.lock.timeouts"));
        Assert.Equal(1L, meter.Last("sharedstruct.segment.lock.recoveries"));
        Assert.Equal([1L], meter.All("sharedstruct.lock.timeouts"));
        Assert.Equal([1L], meter.All("sharedstruct.lock.recoveries"));
        List<object> waits = meter.All("sharedstruct.lock.wait.duration");
        Assert.Equal(2, waits.Count); // the contended lock and the recovery; the uncontended locks record nothing
        Assert.InRange((double)waits[0], 0.1, 60); // waited for the 200 ms release
        Assert.InRange((double)waits[1], 0.0, 60);
    }

    private static ToolResult Stats(TestSegment t)
    {
        ToolResult result = ToolProcess.Run("stats", t.Name);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(t.Name, Columns.Header(result.Output, "Segment"));
        return result;
    }

    /// <summary>Every measurement of the process-wide <c>SharedStruct</c> meter's instruments for one segment.</summary>
    private sealed class SegmentMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, object Value)> _measurements = new();
        private readonly string _segment;

        public SegmentMeasurements(string segment)
        {
            _segment = segment;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SharedStructMetrics.MeterName)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>(Record);
            _listener.SetMeasurementEventCallback<int>(Record);
            _listener.SetMeasurementEventCallback<double>(Record);
            _listener.Start();
        }

        private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == SharedStructMetrics.SegmentTag && tag.Value as string == _segment)
                {
                    lock (_measurements)
                        _measurements.Add((instrument.Name, value!));
                }
            }
        }

        public void Collect() => _listener.RecordObservableInstruments();

        public List<object> All(string instrument)
        {
            lock (_measurements)
                return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).ToList();
        }

        public object Last(string instrument)
        {
            List<object> values = All(instrument);
            Assert.True(values.Count > 0, $"no measurement of {instrument} for {_segment}");
            return values[^1];
        }

        public void Dispose() => _listener.Dispose();
    }
}
