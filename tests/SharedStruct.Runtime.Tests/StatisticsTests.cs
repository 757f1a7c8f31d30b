using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using SharedStruct.Diagnostics;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Segment statistics: counted in the header by every process (so they add up across processes and outlive them), and
/// reported through the <c>SharedStruct</c> meter. Contention, timeouts and recoveries come from real child processes.
/// </summary>
[Collection(ProcessCollection.Name)]
public class StatisticsTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Acquisitions_contention_timeouts_and_recoveries_of_every_process_add_up_in_the_header_and_outlive_them()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        SegmentStatistics before = Info(t).Statistics;
        Assert.Equal(0UL, before.Acquisitions);
        Assert.Equal(0UL, before.ContendedAcquisitions);

        // Two children increment 2000 times each under the lock and exit.
        var workers = new[] { ChildProcess.Start(["increment", t.Name, "2000"]), ChildProcess.Start(["increment", t.Name, "2000"]) };
        try
        {
            foreach (ChildProcess w in workers)
                w.Expect("ready");
            foreach (ChildProcess w in workers)
                w.Send("go");
            foreach (ChildProcess w in workers)
            {
                Assert.Equal("done abandoned=0", w.ReadLine());
                Assert.Equal(0, w.WaitForExit());
            }
        }
        finally
        {
            foreach (ChildProcess w in workers)
                w.Dispose();
        }
        Assert.Equal(4000UL, Info(t).Statistics.Acquisitions); // counted by processes that are gone now

        // This process holds the lock while a child waits for it: one contended acquisition, whose wait shows.
        using (var waiter = ChildProcess.Start(["try-lock", t.Name, "20000"]))
        {
            using (seg.Lock(Second))
            {
                waiter.Expect("ready");
                Thread.Sleep(300);
            }
            Assert.Equal("acquired abandoned=False", waiter.ReadLine());
        }
        SegmentStatistics contended = Info(t).Statistics;
        Assert.Equal(4002UL, contended.Acquisitions);
        Assert.True(contended.ContendedAcquisitions >= 1, "the child's wait was not counted as contended");
        Assert.True(contended.MaxWait >= TimeSpan.FromMilliseconds(100), $"the longest wait is {contended.MaxWait}, yet the child waited while this process slept 300 ms holding the lock");
        Assert.True(contended.TotalWait >= contended.MaxWait);
        Assert.Equal(0UL, contended.Timeouts);

        // A child that gives up: one timeout.
        using (seg.Lock(Second))
        {
            using var impatient = ChildProcess.Start(["try-lock", t.Name, "50"]);
            impatient.Expect("ready");
            Assert.Equal("timeout", impatient.ReadLine());
        }
        Assert.Equal(1UL, Info(t).Statistics.Timeouts);

        // A holder killed with the lock: one recovery, with its pid and time.
        Assert.Null(Info(t).Statistics.LastRecoveryAt);
        int holderPid;
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holderPid = int.Parse(holder.Expect("locked pid=").Substring("locked pid=".Length), System.Globalization.CultureInfo.InvariantCulture);
            holder.KillHard();
        }
        using (var g = seg.Lock(TimeSpan.FromSeconds(10)))
            Assert.True(g.WasAbandoned);
        SegmentStatistics recovered = Info(t).Statistics;
        Assert.Equal(1UL, recovered.Recoveries);
        Assert.Equal(holderPid, recovered.LastRecoveredPid);
        Assert.NotNull(recovered.LastRecoveryAt);
        Assert.InRange(recovered.LastRecoveryAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void A_snapshot_that_meets_a_held_lock_counts_a_retry()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        seg.ReadSnapshot(Second);
        Assert.Equal(0UL, Info(t).Statistics.SnapshotRetries); // a free lock: the first copy holds
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked pid=");
        Assert.Throws<TimeoutException>(() => seg.ReadSnapshot(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1UL, Info(t).Statistics.SnapshotRetries); // one read that had to retry, counted once
        holder.Send("");
        Assert.Equal("released", holder.ReadLine());
    }

    [Fact]
    public void The_SharedStruct_meter_reports_header_statistics_and_slow_path_events_tagged_by_segment_name()
    {
        using var t = new TestSegment();
        using var recorder = new MeterRecorder(meter => meter.Name == SharedStructMetrics.MeterName && meter.Version == SharedStructMetrics.Version);
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        for (int i = 0; i < 5; i++)
            seg.Lock(Second).Dispose();
        using (var waiter = ChildProcess.Start(["try-lock", t.Name, "20000"]))
        {
            using (seg.Lock(Second))
            {
                waiter.Expect("ready");
                Thread.Sleep(100);
            }
            Assert.Equal("acquired abandoned=False", waiter.ReadLine());
        }
        // A timeout in this process: recorded on the spot, and counted in the header.
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked pid=");
            Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(30), out _));
            holder.Send("");
            Assert.Equal("released", holder.ReadLine());
        }
        // A contended acquisition in this process: its wait goes into the histogram.
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked pid=");
            var release = new Thread(() => { Thread.Sleep(100); holder.Send(""); });
            release.Start();
            seg.Lock(TimeSpan.FromSeconds(10)).Dispose();
            release.Join();
        }

        recorder.Collect();
        SegmentStatistics header = Info(t).Statistics;
        Assert.Equal((long)header.Acquisitions, recorder.Last<long>("sharedstruct.lock.acquisitions", t.Name));
        Assert.True(header.Acquisitions >= 8);
        Assert.Equal((long)header.ContendedAcquisitions, recorder.Last<long>("sharedstruct.lock.contended_acquisitions", t.Name));
        Assert.True(header.ContendedAcquisitions >= 2);
        Assert.Equal(1L, recorder.Last<long>("sharedstruct.lock.timeouts.total", t.Name));
        Assert.Equal(1L, recorder.Sum<long>("sharedstruct.lock.timeouts", t.Name));
        Assert.Equal(1, recorder.Last<int>("sharedstruct.segments.open", t.Name));
        double waitTime = recorder.Last<double>("sharedstruct.lock.wait.time", t.Name);
        Assert.Equal(header.TotalWait.TotalSeconds, waitTime, tolerance: 1e-6); // TimeSpan keeps 100 ns ticks, the instrument the nanoseconds
        List<double> waits = recorder.All<double>("sharedstruct.lock.wait.duration", t.Name);
        Assert.Single(waits); // only this process's one contended acquisition; the uncontended ones record nothing
        Assert.InRange(waits[0], 0.05, 30);
        Assert.All(recorder.Tags, tags => Assert.Equal([SharedStructMetrics.SegmentTag], tags));
    }

    [Fact]
    public void A_meter_factory_gets_the_segments_opened_with_it_and_the_process_wide_meter_does_not()
    {
        using var t = new TestSegment();
        using var factory = new TestMeterFactory();
        using var fromFactory = new MeterRecorder(meter => factory.Created.Contains(meter));
        using var processWide = new MeterRecorder(meter => meter.Name == SharedStructMetrics.MeterName && !factory.Created.Contains(meter));
        using var seg = SharedSegment<TestPayload>.Open(t.Name, new SharedSegmentOptions { MeterFactory = factory });
        seg.Lock(Second).Dispose();

        fromFactory.Collect();
        processWide.Collect();
        Meter created = Assert.Single(factory.Created);
        Assert.Equal(SharedStructMetrics.MeterName, created.Name);
        Assert.Equal(SharedStructMetrics.Version, created.Version);
        Assert.Equal(1L, fromFactory.Last<long>("sharedstruct.lock.acquisitions", t.Name));
        Assert.False(processWide.Has("sharedstruct.lock.acquisitions", t.Name));

        seg.Dispose();
        fromFactory.Clear();
        fromFactory.Collect();
        Assert.False(fromFactory.Has("sharedstruct.segments.open", t.Name)); // a disposed segment reports nothing
    }

    private static SegmentInfo Info(TestSegment t) => SegmentInspector.Inspect(t.Name, t.Options);

    /// <summary>A minimal factory, as a DI container provides: it owns the meters it creates.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = new();

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            lock (Created)
                Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter meter in Created)
                meter.Dispose();
        }
    }

    /// <summary>Listens to the instruments of the meters <c>select</c> picks and keeps every measurement with its tags.</summary>
    private sealed class MeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, string? Segment, object Value, string[] Tags)> _measurements = new();

        public MeterRecorder(Func<Meter, bool> select)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (select(instrument.Meter))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>(Record);
            _listener.SetMeasurementEventCallback<int>(Record);
            _listener.SetMeasurementEventCallback<double>(Record);
            _listener.Start();
        }

        private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            string? segment = null;
            var keys = new string[tags.Length];
            for (int i = 0; i < tags.Length; i++)
            {
                keys[i] = tags[i].Key;
                if (tags[i].Key == SharedStructMetrics.SegmentTag)
                    segment = tags[i].Value as string;
            }
            lock (_measurements)
                _measurements.Add((instrument.Name, segment, value!, keys));
        }

        public void Collect() => _listener.RecordObservableInstruments();

        public void Clear()
        {
            lock (_measurements)
                _measurements.Clear();
        }

        public List<T> All<T>(string instrument, string segment)
        {
            lock (_measurements)
                return _measurements.Where(m => m.Instrument == instrument && m.Segment == segment).Select(m => (T)m.Value).ToList();
        }

        public bool Has(string instrument, string segment) => All<object>(instrument, segment).Count > 0;

        public T Last<T>(string instrument, string segment)
        {
            List<T> values = All<T>(instrument, segment);
            Assert.True(values.Count > 0, $"no measurement of {instrument} for {segment}");
            return values[^1];
        }

        public long Sum<T>(string instrument, string segment) => All<T>(instrument, segment).Sum(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The tag keys of every measurement of a segment-tagged instrument.</summary>
        public IEnumerable<string[]> Tags
        {
            get
            {
                lock (_measurements)
                    return _measurements.Where(m => m.Instrument.StartsWith("sharedstruct.", StringComparison.Ordinal)).Select(m => m.Tags).ToList();
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
