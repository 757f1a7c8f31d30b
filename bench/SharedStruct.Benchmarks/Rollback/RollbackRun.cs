using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SharedStruct.Benchmarks.Rollback;

/// <summary>One size's Lock + write + Dispose in both modes (BenchmarkDotNet medians from one run).</summary>
internal sealed record RollbackCostRow(string Size, int Bytes, double DefaultNs, double RollbackNs, long DefaultAllocated, long RollbackAllocated)
{
    public double Ratio => RollbackNs / DefaultNs;
}

/// <summary>Everything the report's "Crash-atomic updates" section shows.</summary>
internal sealed record RollbackResults(IReadOnlyList<RollbackCostRow> Cost, IReadOnlyList<ReaderLatencyResult> Readers);

/// <summary>Runs the crash-atomic measurements: the per-size cost (in process), then reader latency behind a slow writer.</summary>
internal static class RollbackRun
{
    public static RollbackResults Run(bool isShort, bool measureCost = true)
    {
        List<RollbackCostRow> cost = measureCost ? MeasureCost(isShort) : new List<RollbackCostRow>();
        foreach (RollbackCostRow c in cost)
            Console.WriteLine($"{c.Size}: default {c.DefaultNs:F2} ns, RollbackOnCrash {c.RollbackNs:F2} ns ({c.Ratio:F2}x)");

        IReadOnlyList<ReaderLatencyResult> readers = ReaderLatencyRun.Run(isShort);
        foreach (ReaderLatencyResult r in readers)
            Console.WriteLine(r.Finished
                ? $"reader behind a {ReaderLatencyRun.HoldMs} ms writer, {r.Mode}: p50 {r.Queued.P50Ns:F0} ns p99 {r.Queued.P99Ns:F0} ns max {r.Queued.MaxNs:F0} ns; wall clock p99 {r.Scheduled.P99Ns:F0} ns; call p99 {r.Call.P99Ns:F0} ns; empty slots p99 {r.EmptySlots.P99Ns:F0} ns ({r.Samples} samples, {r.Timeouts} timeouts)"
                  + (r.Census is { } c ? $"; busy loop: {c.PerSecond:F0} stalls/s over {ReaderLatencyRun.StallUs} us, {c.StalledFraction:P1} of its time" : "")
                : $"reader behind a {ReaderLatencyRun.HoldMs} ms writer, {r.Mode}: failed: {r.Failure}");
        return new RollbackResults(cost, readers);
    }

    /// <summary>Lock + write + Dispose in both modes at every size (BenchmarkDotNet, in process).</summary>
    private static List<RollbackCostRow> MeasureCost(bool isShort)
    {
        // A 2x goal needs more than ShortRun's 3 iterations: three --short runs of the same 256 B release gave 1.79x,
        // 1.91x and 2.33x (as the writer-cost jobs, 15).
        Job job = (isShort ? Job.ShortRun.WithIterationCount(15) : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
        IConfig config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.JoinSummary);
        Summary summary = BenchmarkRunner.Run<RollbackBenchmarks>(config);
        var cost = new List<RollbackCostRow>();
        foreach ((string size, int bytes) in RollbackBenchmarks.Sizes)
        {
            BenchmarkReport? Find(bool rollback) => summary.Reports.FirstOrDefault(r =>
                r.ResultStatistics is not null && r.BenchmarkCase.Descriptor.Categories.Contains(size)
                && r.BenchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith(rollback ? "Rollback" : "Default", StringComparison.Ordinal));
            if (Find(false) is { } d && Find(true) is { } r)
                cost.Add(new RollbackCostRow(size, bytes, d.ResultStatistics!.Median, r.ResultStatistics!.Median,
                    d.GcStats.GetBytesAllocatedPerOperation(d.BenchmarkCase) ?? 0, r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0));
        }
        return cost;
    }
}
