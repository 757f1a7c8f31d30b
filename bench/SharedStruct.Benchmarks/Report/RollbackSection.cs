using System.Linq;
using System.Text;
using SharedStruct.Benchmarks.Rollback;
using static SharedStruct.Benchmarks.Report.ResultsWriter;

namespace SharedStruct.Benchmarks.Report;

/// <summary>The report's "Crash-atomic updates" section and its rows in the Targets table (issue 15's Measure).</summary>
internal static class RollbackSection
{
    /// <summary>The goal: Lock + write + Dispose with RollbackOnCrash at 256 B within this factor of the default mode.</summary>
    public const double CostGoal = 2.0;
    /// <summary>The goal: a reader's p99 snapshot latency behind a writer holding the lock 100 ms at a time (queue clock, see <see cref="ReaderLatencyRun"/>).</summary>
    public const double ReaderP99GoalNs = 10_000;

    public static void Write(StringBuilder md, RollbackResults results)
    {
        md.AppendLine("## Crash-atomic updates (RollbackOnCrash)");
        md.AppendLine();
        md.AppendLine("### Uncontended Lock + write one field + Dispose, by payload size (BenchmarkDotNet medians, in process)");
        md.AppendLine();
        md.AppendLine("Both modes run in the same process, each on a segment of its own; the default mode is each size's baseline. A crash-atomic acquire copies the whole payload into its backup before the section writes, so its cost grows with the payload while the default mode's does not. The crossover is the first size where the mode costs more than twice the default.");
        md.AppendLine();
        if (results.Cost.Count == 0)
        {
            md.AppendLine("Not measured (BenchmarkDotNet reported no results; see its log).");
            md.AppendLine();
        }
        else
        {
            md.AppendLine("| payload | default (baseline) | RollbackOnCrash | ratio | allocated |");
            md.AppendLine("|---:|---:|---:|---:|---:|");
            foreach (RollbackCostRow r in results.Cost)
                md.AppendLine(Inv($"| {r.Size} | {r.DefaultNs:F2} ns | {r.RollbackNs:F2} ns | {r.Ratio:F2} | {r.DefaultAllocated} B / {r.RollbackAllocated} B |"));
            md.AppendLine();
            // The first size from which every larger one is over the goal: one noisy small row is not a crossover.
            RollbackCostRow? crossover = results.Cost.Where((r, i) => results.Cost.Skip(i).All(later => later.Ratio > CostGoal)).FirstOrDefault();
            md.AppendLine(crossover is null
                ? Inv($"No measured size costs more than {CostGoal:F0}x the default.")
                : Inv($"Crossover: from {crossover.Size} on the mode costs more than {CostGoal:F0}x the default ({crossover.Ratio:F2}x), and the difference is the payload copy: for payloads that size and up, make critical sections coarse (several changes per Lock) or keep the crash-atomic state in a smaller segment of its own."));
            md.AppendLine();
        }

        md.AppendLine(Inv($"### Snapshot latency while a writer process holds the lock {ReaderLatencyRun.HoldMs} ms at a time (256 B payload)"));
        md.AppendLine();
        md.AppendLine(Inv($"A read-only view in this process takes a snapshot every {ReaderLatencyRun.IntervalUs} µs (1 s timeout each) while a child process holds the lock for 100 ms, releases it for 1 ms, and takes it again. An untimed pass of the loop runs first. Latency counts from each snapshot's scheduled start, on two clocks. The queue clock (p50, p99, max) counts only snapshot calls: a snapshot starts when it is due or when the call before it returned, whichever is later, and lasts as long as its call did, so a snapshot that waited for the writer delays every one due behind it and they all count that wait, while the machine's stalls between two calls do not count. The wall clock counts those stalls too. \"call\" is each call's own duration, which alone would hide a wait behind the fast reads of the writer's free millisecond. In the default mode a snapshot waits for a release, and one that misses the writer's free millisecond waits a whole further holding, so that mode's figures move from run to run by whole holdings; they show that the reader waits, and for about how long."));
        md.AppendLine();
        md.AppendLine("| mode | snapshots | timeouts | p50 | p99 | max | wall clock p50 | wall clock p99 | call p99 | call max | seconds |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ReaderLatencyResult r in results.Readers)
            md.AppendLine(r.Finished
                ? Inv($"| {r.Mode} | {r.Samples:N0} | {r.Timeouts:N0} | {Micros(r.Queued.P50Ns)} | {Micros(r.Queued.P99Ns)} | {Micros(r.Queued.MaxNs)} | {Micros(r.Scheduled.P50Ns)} | {Micros(r.Scheduled.P99Ns)} | {Micros(r.Call.P99Ns)} | {Micros(r.Call.MaxNs)} | {r.Seconds:F1} |")
                : Inv($"| {r.Mode} | failed: {r.Failure} | - | - | - | - | - | - | - | - | - |"));
        md.AppendLine();
        if (results.Readers.FirstOrDefault(r => r.Mode == ReaderLatencyRun.RollbackMode && r.Finished) is { } rb)
        {
            md.AppendLine("The machine's share, measured in the crash-atomic run: halfway between every two snapshots the loop has a slot that takes none and is timed the same way, from its scheduled start by the wall clock. Whatever those empty slots show is the schedule's cost on this machine with no snapshot at all.");
            md.AppendLine();
            md.AppendLine("| same loop, crash-atomic run | p50 | p99 | max |");
            md.AppendLine("|---|---:|---:|---:|");
            md.AppendLine(Inv($"| snapshot slots, queue clock | {Micros(rb.Queued.P50Ns)} | {Micros(rb.Queued.P99Ns)} | {Micros(rb.Queued.MaxNs)} |"));
            md.AppendLine(Inv($"| snapshot slots, wall clock | {Micros(rb.Scheduled.P50Ns)} | {Micros(rb.Scheduled.P99Ns)} | {Micros(rb.Scheduled.MaxNs)} |"));
            md.AppendLine(Inv($"| empty slots (no snapshot), wall clock | {Micros(rb.EmptySlots.P50Ns)} | {Micros(rb.EmptySlots.P99Ns)} | {Micros(rb.EmptySlots.MaxNs)} |"));
            md.AppendLine();
            if (rb.Census is { } c)
            {
                md.AppendLine(Inv($"Before that loop, a busy loop of clock reads in this process ran {c.Seconds:F1} s and lost the processor {c.Stalls:N0} times for more than {ReaderLatencyRun.StallUs} µs ({c.PerSecond:N0} a second, {c.StalledFraction:P1} of its time, the longest {Micros(c.LongestNs)}). A loop that never blocks and never calls into the kernel sees these only when the machine takes its processor away; when more than 1% of the schedule's slots fall into such a gap, every wall-clock p99 here, empty slots included, is at least the typical gap, whatever the snapshot costs."));
                md.AppendLine();
            }
        }
    }

    public static void Targets(StringBuilder md, RollbackResults results)
    {
        RollbackCostRow? at256 = results.Cost.FirstOrDefault(r => r.Bytes == 256);
        double ratio = at256?.Ratio ?? double.NaN;
        TargetRow(md, Inv($"RollbackOnCrash Lock + write + Dispose at 256 B <= {CostGoal:F0}x the default mode"), ratio, ratio <= CostGoal, "x");
        ReaderLatencyResult? reader = results.Readers.FirstOrDefault(r => r.Mode == ReaderLatencyRun.RollbackMode && r.Finished);
        double p99 = reader?.Queued.P99Ns ?? double.NaN;
        TargetRow(md, Inv($"RollbackOnCrash snapshot p99 behind a writer holding the lock {ReaderLatencyRun.HoldMs} ms <= {ReaderP99GoalNs / 1000:F0} us (queue clock)"), p99, p99 <= ReaderP99GoalNs, " ns");
        double wall = reader?.Scheduled.P99Ns ?? double.NaN;
        TargetRow(md, Inv($"  context: the same p99 by the wall clock (the machine's stalls between snapshots included) <= {ReaderP99GoalNs / 1000:F0} us"), wall, wall <= ReaderP99GoalNs, " ns");
        double empty = reader?.EmptySlots.P99Ns ?? double.NaN;
        TargetRow(md, Inv($"  context: the same loop's empty slots (no snapshot) by the wall clock, p99 <= {ReaderP99GoalNs / 1000:F0} us: the machine's own floor"), empty, empty <= ReaderP99GoalNs, " ns");
    }

    private static string Micros(double ns) => double.IsNaN(ns) ? "-" : ns >= 1_000_000 ? Inv($"{ns / 1e6:F1} ms") : Inv($"{ns / 1000:F2} us");
}
