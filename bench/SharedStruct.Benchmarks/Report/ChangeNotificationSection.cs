using System.Linq;
using System.Text;
using SharedStruct.Benchmarks.Watching;
using static SharedStruct.Benchmarks.Report.ResultsWriter;

namespace SharedStruct.Benchmarks.Report;

/// <summary>The report's "Change notification" section and its rows in the Targets table (issue 12's Measure, issue 13's budget).</summary>
internal static class ChangeNotificationSection
{
    public static void Write(StringBuilder md, ChangeNotificationResults watch)
    {
        md.AppendLine("## Change notification");
        md.AppendLine();
        md.AppendLine("### Cross-process wake latency (two processes answering each other's changes)");
        md.AppendLine();
        md.AppendLine($"One-way: from the writer starting its change (SharedStruct: before Lock; baselines: before the store) to the other process being back from its wait, timed with the one monotonic clock both processes share. Both directions of every round trip count; the first tenth of each side's rounds is warm-up and not counted. Each method runs {ChangeNotificationRun.LatencyRepeats} times, interleaved with the others, so a change in the machine's load falls on all of them alike. Both processes are pinned to one processor, for every method: on a VM a wake to another processor costs about 1 µs when that processor is still running and about 11 µs when the hypervisor has halted it, and with the placement left open the same code measured 9.25x the raw futex in one run and 0.97x in the next. On one processor every wake is a context switch, which on a VM is itself slow (several µs).");
        md.AppendLine();
        md.AppendLine("| method | round trips | one-way samples | p50 | p99 | p50 / raw futex p50 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        double futexP50 = Latency(watch, WakeLatencyRun.FutexMethod)?.P50Ns ?? double.NaN;
        foreach (WakeLatencyResult r in watch.Latency)
            md.AppendLine(r.Finished
                ? Inv($"| {r.Method}{(r.Method == WakeLatencyRun.FutexMethod ? " (baseline)" : "")} | {r.Rounds:N0} | {r.Samples:N0} | {Micros(r.P50Ns)} | {Micros(r.P99Ns)} | {r.P50Ns / futexP50:F2} |")
                : Inv($"| {r.Method} | {r.Rounds:N0} | failed: {r.Failure} | - | - | - |"));
        md.AppendLine();

        md.AppendLine("### Writer cost with 0, 1 and 4 watcher processes (BenchmarkDotNet medians, out of process)");
        md.AppendLine();
        md.AppendLine($"Builds: `{WriterCostRun.Shipped}` is the runtime as shipped; `{WriterCostRun.NoWatchers}` is built without change notification's fast-path work (the watcher-count load in the release and after AddX); `{WriterCostRun.NoStatistics}` without the Acquisitions header statistic. Both are bench-only builds (MSBuild property `SharedStructBenchVariant`, honoured only by the runtime's `SHAREDSTRUCT_BENCH_*` constants), run as jobs of the same BenchmarkDotNet run. Watchers are child processes blocked in WaitForChange on the segment being written, woken by every change.");
        md.AppendLine();
        if (watch.WriterCostFailure is not null)
        {
            md.AppendLine(Inv($"Not measured: {watch.WriterCostFailure}"));
            md.AppendLine();
        }
        else
        {
            md.AppendLine("| operation | build | watchers | median | vs as shipped, 0 watchers | allocated |");
            md.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (var group in watch.WriterCost.GroupBy(r => r.Method))
            {
                double reference = Cost(watch, group.Key, WriterCostRun.Shipped, 0);
                foreach (WriterCostRow r in group.OrderBy(r => r.Watchers).ThenBy(r => r.Build == WriterCostRun.Shipped ? 0 : 1).ThenBy(r => r.Build))
                    md.AppendLine(Inv($"| {Operation(r.Method)} | {r.Build} | {r.Watchers} | {r.MedianNs:F2} ns | {r.MedianNs / reference:F2} | {r.AllocatedBytes} B |"));
            }
            md.AppendLine();
            md.AppendLine("With watchers every change is a futex wake-all syscall (and the watchers' own wake-ups compete for the same cores), so the cost per write is that of the syscall and the scheduler, microseconds rather than nanoseconds; one write wakes all watchers at once. The 0-watcher rows differ between builds by one load and compare (no-watchers) or one plain increment (no-statistics) on a line the lock already owns: a fraction of a nanosecond, at the edge of what a median resolves on a shared machine, and each build runs in its own process, whose medians move from one process to the next by several percent: the no-statistics build's AddX is the shipped code, so its row shows that spread, and a difference below it, either way, is noise.");
            md.AppendLine();
        }

        md.AppendLine("### Idle watcher wake-ups");
        md.AppendLine();
        IdleWatcherResult idle = watch.Idle;
        if (idle.Finished)
        {
            md.AppendLine(Inv($"A child process blocked in WaitForChange (10 min timeout) on a segment nobody writes, for {idle.Seconds:F1} s; voluntary context switches from /proc/PID/task/*/status before and after. The runtime's safety poll (SafetyPollMs = {Locking.SegmentCore.SafetyPollMs} ms) accounts for {1000.0 / Locking.SegmentCore.SafetyPollMs:F0}/s of the waiting thread's."));
            md.AppendLine();
            md.AppendLine("| threads counted | wake-ups/s | per second |");
            md.AppendLine("|---|---|---:|");
            md.AppendLine(Inv($"| the waiting thread | voluntary | {idle.WaiterPerSecond:F1} |"));
            md.AppendLine(Inv($"| whole process ({idle.Threads} threads) | voluntary | {idle.ProcessPerSecond:F1} |"));
            md.AppendLine(Inv($"| whole process ({idle.Threads} threads) | involuntary (preemptions, context) | {idle.ProcessInvoluntaryPerSecond:F1} |"));
        }
        else
        {
            md.AppendLine(Inv($"Not measured: {idle.Failure}"));
        }
        md.AppendLine();
    }

    public static void Targets(StringBuilder md, ChangeNotificationResults watch)
    {
        double ours = Latency(watch, WakeLatencyRun.SharedStructMethod)?.P50Ns ?? double.NaN;
        double futex = Latency(watch, WakeLatencyRun.FutexMethod)?.P50Ns ?? double.NaN;
        double polling = Latency(watch, WakeLatencyRun.PollingMethod)?.P50Ns ?? double.NaN;
        TargetRow(md, "cross-process WaitForChange wake latency p50 <= 1.5x raw futex wait/wake p50", ours / futex, ours / futex <= 1.5, "x");
        double ours99 = Latency(watch, WakeLatencyRun.SharedStructMethod)?.P99Ns ?? double.NaN;
        double futex99 = Latency(watch, WakeLatencyRun.FutexMethod)?.P99Ns ?? double.NaN;
        TargetRow(md, "context: WaitForChange p99 / raw futex p99", ours99 / futex99, ours99 / futex99 <= 1.5, "x");
        TargetRow(md, "context: 1 ms polling p50 / WaitForChange p50 (what waiting saves over polling)", polling / ours, polling / ours >= 1, "x");

        foreach (string method in new[] { nameof(WriterCostBenchmarks.LockWriteDispose), nameof(WriterCostBenchmarks.GeneratedAdd) })
        {
            double shipped = Cost(watch, method, WriterCostRun.Shipped, 0);
            double without = Cost(watch, method, WriterCostRun.NoWatchers, 0);
            TargetRow(md, $"0 watchers: {Operation(method)} within 5% of the build without change notification", shipped / without, shipped / without <= 1.05, "x");
        }
        double lockShipped = Cost(watch, nameof(WriterCostBenchmarks.LockWriteDispose), WriterCostRun.Shipped, 0);
        double lockNoStats = Cost(watch, nameof(WriterCostBenchmarks.LockWriteDispose), WriterCostRun.NoStatistics, 0);
        TargetRow(md, "issue 13: the Acquisitions statistic adds <= 0.5 ns to uncontended Lock + write + dispose", lockShipped - lockNoStats, lockShipped - lockNoStats <= 0.5, " ns");

        IdleWatcherResult idle = watch.Idle;
        double waiter = idle.Finished ? idle.WaiterPerSecond : double.NaN;
        double process = idle.Finished ? idle.ProcessPerSecond : double.NaN;
        TargetRow(md, "idle watcher wake-ups <= 10/s: the waiting thread (voluntary context switches)", waiter, waiter <= 10, "/s");
        TargetRow(md, "idle watcher wake-ups <= 10/s: its whole process", process, process <= 10, "/s");
    }

    private static WakeLatencyResult? Latency(ChangeNotificationResults watch, string method) =>
        watch.Latency.FirstOrDefault(r => r.Method == method && r.Finished);

    private static double Cost(ChangeNotificationResults watch, string method, string build, int watchers) =>
        watch.WriterCost.FirstOrDefault(r => r.Method == method && r.Build == build && r.Watchers == watchers)?.MedianNs ?? double.NaN;

    private static string Operation(string method) => method switch
    {
        nameof(WriterCostBenchmarks.LockWriteDispose) => "Lock + write + dispose",
        nameof(WriterCostBenchmarks.GeneratedAdd) => "generated AddX",
        _ => method,
    };

    private static string Micros(double ns) => ns >= 100_000 ? Inv($"{ns / 1e6:F2} ms") : Inv($"{ns / 1e3:F1} µs");
}
