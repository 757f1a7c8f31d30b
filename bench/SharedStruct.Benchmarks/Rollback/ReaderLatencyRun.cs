using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using SharedStruct.Benchmarks.Watching;

namespace SharedStruct.Benchmarks.Rollback;

/// <summary>Snapshot latency of one mode while another process holds the lock for <see cref="ReaderLatencyRun.HoldMs"/> at a time.</summary>
internal sealed record ReaderLatencyResult(string Mode, long Samples, long Timeouts, double P50Ns, double P99Ns, double MaxNs, double Seconds, string? Failure = null)
{
    public bool Finished => Failure is null;
}

/// <summary>
/// A writer process holds the lock of a 256-byte segment for 100 ms at a time (1 ms free between holdings) while this
/// process takes snapshots through a read-only view on a fixed schedule, one every <see cref="IntervalUs"/> µs. Each
/// snapshot's latency counts from its scheduled start, so a snapshot that waited delays the ones due meanwhile and they
/// count that wait too (timing only back-to-back reads would let the fast reads of the free millisecond outnumber the
/// slow ones and hide them). In the default mode a snapshot waits for the writer's release; in the crash-atomic mode it
/// reads the committed copy.
/// </summary>
internal static class ReaderLatencyRun
{
    public const int HoldMs = 100;
    public const string DefaultMode = "default";
    public const string RollbackMode = "RollbackOnCrash";
    public const int IntervalUs = 20;

    public static IReadOnlyList<ReaderLatencyResult> Run(bool isShort)
    {
        TimeSpan duration = TimeSpan.FromSeconds(isShort ? 1.5 : 5);
        var results = new List<ReaderLatencyResult>();
        foreach (bool rollback in new[] { false, true })
        {
            try
            {
                results.Add(Measure(rollback, duration));
            }
            catch (Exception e) when (e is InvalidOperationException or System.IO.IOException or TimeoutException)
            {
                results.Add(new ReaderLatencyResult(rollback ? RollbackMode : DefaultMode, 0, 0, double.NaN, double.NaN, double.NaN, 0, e.Message));
            }
        }
        return results;
    }

    private static ReaderLatencyResult Measure(bool rollback, TimeSpan duration)
    {
        string name = $"bench-rb-reader-{Environment.ProcessId}-{(rollback ? "rb" : "df")}";
        var options = new SharedSegmentOptions { RollbackOnCrash = rollback };
        using var segment = SharedSegment<Payload256>.Open(name, options);
        try
        {
            using var writer = BenchChild.Start("rollback-holder", name, rollback ? RollbackMode : DefaultMode);
            writer.Expect("holding", TimeSpan.FromSeconds(30));
            using var reader = SharedSegment<Payload256>.OpenReadOnly(name, options);
            long interval = Stopwatch.Frequency * IntervalUs / 1_000_000;
            int planned = (int)(duration.TotalSeconds * 1_000_000 / IntervalUs);
            var ticks = new long[planned];
            long samples = 0, timeouts = 0;
            long begin = Stopwatch.GetTimestamp();
            for (int i = 0; i < planned; i++)
            {
                long due = begin + i * interval;
                while (Stopwatch.GetTimestamp() < due)
                    Thread.SpinWait(10);
                if (!reader.TryRead(TimeSpan.FromSeconds(1), out _))
                    timeouts++;
                ticks[samples++] = Stopwatch.GetTimestamp() - due;
            }
            double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            Array.Sort(ticks, 0, (int)samples);
            double Ns(long t) => t * 1e9 / Stopwatch.Frequency;
            double Percentile(double p) => Ns(ticks[Math.Min(samples - 1, (long)Math.Ceiling(p * samples) - 1)]);
            return new ReaderLatencyResult(rollback ? RollbackMode : DefaultMode, samples, timeouts, Percentile(0.50), Percentile(0.99), Ns(ticks[samples - 1]), seconds);
        }
        finally
        {
            segment.Delete();
        }
    }

    /// <summary>The writer child: holds the lock <see cref="HoldMs"/> at a time until the parent goes.</summary>
    public static int Holder(string name, string mode)
    {
        BenchChild.ExitWhenParentGoes();
        using var segment = SharedSegment<Payload256>.Open(name, new SharedSegmentOptions { Mode = SegmentOpenMode.OpenExisting, RollbackOnCrash = mode == RollbackMode });
        bool first = true;
        while (true)
        {
            using (var guard = segment.Lock(TimeSpan.FromSeconds(5)))
            {
                guard.Value.Hits++;
                if (first)
                {
                    Console.WriteLine("holding");
                    Console.Out.Flush();
                    first = false;
                }
                Thread.Sleep(HoldMs);
            }
            Thread.Sleep(1);
        }
    }
}
