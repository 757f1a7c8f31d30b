using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using SharedStruct.Benchmarks.Watching;

namespace SharedStruct.Benchmarks.Rollback;

/// <summary>p50, p99 and max of one series of latencies, in nanoseconds.</summary>
internal readonly record struct LatencySpread(double P50Ns, double P99Ns, double MaxNs)
{
    public static readonly LatencySpread None = new(double.NaN, double.NaN, double.NaN);

    /// <summary>Sorts <paramref name="ticks"/>[0..count) in place and reads the spread off it.</summary>
    public static LatencySpread Of(long[] ticks, int count)
    {
        if (count == 0)
            return None;
        Array.Sort(ticks, 0, count);
        double Ns(long t) => t * 1e9 / Stopwatch.Frequency;
        double Percentile(double p) => Ns(ticks[Math.Min(count - 1, (int)Math.Ceiling(p * count) - 1)]);
        return new LatencySpread(Percentile(0.50), Percentile(0.99), Ns(ticks[count - 1]));
    }
}

/// <summary>
/// How often a thread that never blocks lost the processor anyway: gaps of more than <see cref="ReaderLatencyRun.StallUs"/>
/// µs between two clock reads of a busy loop. Neither the snapshot nor the writer causes these; a machine whose
/// hypervisor takes its processors away shows them.
/// </summary>
internal readonly record struct StallCensus(double Seconds, long Stalls, double StalledFraction, double LongestNs)
{
    public double PerSecond => Stalls / Seconds;
}

/// <summary>Snapshot latency of one mode while another process holds the lock for <see cref="ReaderLatencyRun.HoldMs"/> at a time.</summary>
/// <param name="Queued">
/// Each snapshot's latency from its scheduled start when only snapshot calls take the reader's time: the call's own
/// duration plus whatever the calls before it overran the schedule by (the headline figure; see <see cref="ReaderLatencyRun"/>).
/// </param>
/// <param name="Scheduled">Each snapshot's latency from its scheduled start by the wall clock, the machine's stalls between calls included.</param>
/// <param name="Call">Each snapshot call's own duration, from entering the call to its return.</param>
/// <param name="EmptySlots">Crash-atomic run only: slots of the same loop that take no snapshot, halfway between two that do.</param>
internal sealed record ReaderLatencyResult(string Mode, long Samples, long Timeouts, LatencySpread Queued, LatencySpread Scheduled, LatencySpread Call, LatencySpread EmptySlots, StallCensus? Census, double Seconds, string? Failure = null)
{
    public bool Finished => Failure is null;
}

/// <summary>
/// A writer process holds the lock of a 256-byte segment for 100 ms at a time (1 ms free between holdings) while this
/// process takes snapshots through a read-only view on a fixed schedule, one every <see cref="IntervalUs"/> µs. Each
/// snapshot's latency counts from its scheduled start, so a snapshot that waited delays the ones due meanwhile and they
/// count that wait too (timing only back-to-back reads would let the fast reads of the free millisecond outnumber the
/// slow ones and hide them). In the default mode a snapshot waits for the writer's release; in the crash-atomic mode it
/// reads the writer's backup, the last committed state.
/// <para>
/// Two clocks time each snapshot from its scheduled start. The wall clock counts everything, including the time the
/// machine took the reader's processor away while it spun between two snapshots. The queue clock counts only snapshot
/// calls: a snapshot starts at its scheduled time or when the call before it returned, whichever is later, and takes
/// as long as its call took (a wait for the writer, or a stall inside the call, counts in full, and delays the
/// snapshots due behind it). It is the latency of a reader whose only delay is the snapshot, and still counts every
/// snapshot a slow one held up, so the fast reads of the writer's free millisecond cannot hide a wait.
/// </para>
/// <para>
/// The machine's share of that figure is measured in the same loop: in the crash-atomic run, a slot that takes no
/// snapshot sits halfway between every two that do, and is timed the same way. Its p99 is what the schedule costs with
/// no snapshot at all (on a machine whose hypervisor takes a processor away for ~15 µs over a thousand times a second,
/// that alone is more than 10 µs). Before the loop, a short busy loop counts those stalls, and a warm-up pass of the
/// loop runs untimed so that the first calls' compilation does not count.
/// </para>
/// </summary>
internal static class ReaderLatencyRun
{
    public const int HoldMs = 100;
    public const string DefaultMode = "default";
    public const string RollbackMode = "RollbackOnCrash";
    public const int IntervalUs = 20;
    /// <summary>A gap between two clock reads of a busy loop longer than this counts as a stall.</summary>
    public const int StallUs = 10;

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
                results.Add(new ReaderLatencyResult(rollback ? RollbackMode : DefaultMode, 0, 0, LatencySpread.None, LatencySpread.None, LatencySpread.None, LatencySpread.None, null, 0, e.Message));
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
            StallCensus? census = rollback ? CountStalls(TimeSpan.FromSeconds(0.5)) : null;
            var loop = new ScheduleLoop(reader, duration, emptySlots: rollback);
            loop.TouchPages();
            loop.Run(TimeSpan.FromSeconds(0.3), record: false);
            loop.Run(duration, record: true);
            return new ReaderLatencyResult(rollback ? RollbackMode : DefaultMode, loop.Reads, loop.Timeouts,
                LatencySpread.Of(loop.Queued, loop.Reads), LatencySpread.Of(loop.Scheduled, loop.Reads), LatencySpread.Of(loop.Calls, loop.Reads),
                rollback ? LatencySpread.Of(loop.Empty, loop.EmptyCount) : LatencySpread.None, census, loop.Seconds);
        }
        finally
        {
            segment.Delete();
        }
    }

    /// <summary>The timed loop: a snapshot every <see cref="IntervalUs"/> µs and, when asked, an empty slot halfway between.</summary>
    private sealed class ScheduleLoop(ReadOnlySharedSegment<Payload256> reader, TimeSpan longest, bool emptySlots)
    {
        private readonly int _capacity = SlotsIn(longest);
        public long[] Queued { get; } = new long[SlotsIn(longest)];
        public long[] Scheduled { get; } = new long[SlotsIn(longest)];
        public long[] Calls { get; } = new long[SlotsIn(longest)];
        public long[] Empty { get; } = new long[emptySlots ? SlotsIn(longest) : 0];
        public int Reads { get; private set; }
        public int EmptyCount { get; private set; }
        public long Timeouts { get; private set; }
        public double Seconds { get; private set; }

        /// <summary>
        /// Writes every page of the sample arrays once, before any timing: a fresh large array's pages are mapped on
        /// first write, and a page fault inside the timed loop (one per 512 samples, twice as many in the snapshot
        /// slots, which fill two arrays, as in the empty ones) would count as latency.
        /// </summary>
        public void TouchPages()
        {
            Array.Fill(Queued, -1L);
            Array.Fill(Scheduled, -1L);
            Array.Fill(Calls, -1L);
            Array.Fill(Empty, -1L);
        }

        public void Run(TimeSpan duration, bool record)
        {
            long half = Stopwatch.Frequency * IntervalUs / 2_000_000;
            int slots = 2 * Math.Min(_capacity, SlotsIn(duration));
            int reads = 0, empty = 0;
            long timeouts = 0;
            long begin = Stopwatch.GetTimestamp();
            long queueFree = begin; // the queue clock: when the last snapshot call would have returned
            for (int slot = 0; slot < slots; slot++)
            {
                bool read = slot % 2 == 0;
                if (!read && !emptySlots)
                    continue;
                long due = begin + slot * half;
                while (Stopwatch.GetTimestamp() < due)
                    Thread.SpinWait(10);
                if (!read)
                {
                    long late = Stopwatch.GetTimestamp() - due;
                    if (record)
                        Empty[empty] = late;
                    empty++;
                    continue;
                }
                long start = Stopwatch.GetTimestamp();
                if (!reader.TryRead(TimeSpan.FromSeconds(1), out _))
                    timeouts++;
                long end = Stopwatch.GetTimestamp();
                queueFree = Math.Max(due, queueFree) + (end - start);
                if (record)
                {
                    Queued[reads] = queueFree - due;
                    Scheduled[reads] = end - due;
                    Calls[reads] = end - start;
                }
                reads++;
            }
            if (record)
            {
                Seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
                Reads = reads;
                EmptyCount = empty;
                Timeouts = timeouts;
            }
        }
    }

    /// <summary>How many snapshots the schedule takes in <paramref name="duration"/>.</summary>
    private static int SlotsIn(TimeSpan duration) => (int)(duration.TotalSeconds * 1_000_000 / IntervalUs);

    /// <summary>Runs a busy loop of clock reads for <paramref name="duration"/> and counts the gaps longer than <see cref="StallUs"/> µs.</summary>
    private static StallCensus CountStalls(TimeSpan duration)
    {
        long threshold = Stopwatch.Frequency * StallUs / 1_000_000;
        long begin = Stopwatch.GetTimestamp(), stop = begin + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long last = begin, stalls = 0, stalled = 0, longest = 0;
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            long gap = now - last;
            if (gap > threshold)
            {
                stalls++;
                stalled += gap;
                longest = Math.Max(longest, gap);
            }
            last = now;
            if (now >= stop)
                break;
        }
        double seconds = (last - begin) / (double)Stopwatch.Frequency;
        return new StallCensus(seconds, stalls, stalled / (double)(last - begin), longest * 1e9 / Stopwatch.Frequency);
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
