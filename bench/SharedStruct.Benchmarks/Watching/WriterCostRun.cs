using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Environments;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.CsProj;
using BenchmarkDotNet.Toolchains.DotNetCli;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Validators;
using BenchmarkDotNet.Characteristics;

namespace SharedStruct.Benchmarks.Watching;

/// <summary>One writer-cost figure: a benchmark, the runtime build it ran on, the watcher processes present.</summary>
internal sealed record WriterCostRow(string Method, string Build, int Watchers, double MedianNs, long AllocatedBytes);

/// <summary>
/// Runs <see cref="WriterCostBenchmarks"/> as three BenchmarkDotNet jobs in one run, each a separate build of the
/// benchmarks: the runtime as shipped, and the runtime built without one fast-path feature (the MSBuild property
/// SharedStructBenchVariant, which only the runtime's bench-only constants honour). Out of process, because two builds
/// of one assembly cannot share a process; watchers run on the shipped build only.
/// </summary>
internal static class WriterCostRun
{
    public const string Shipped = "as-shipped";
    /// <summary>Without change notification's fast-path work (the watcher-count load in release and after AddX).</summary>
    public const string NoWatchers = "no-watchers";
    /// <summary>Without issue 13's Acquisitions increment in the uncontended acquire.</summary>
    public const string NoStatistics = "no-statistics";

    public static IReadOnlyList<WriterCostRow> Run(bool isShort, string appPath)
    {
        var toolchain = new UnvalidatedToolchain(CsProjCoreToolchain.From(new NetCoreAppSettings("net10.0", null, ".NET 10.0")));
        // A 5% target needs more than ShortRun's 3 iterations: two --short runs of the same code differed by 7%.
        Job common = (isShort ? Job.ShortRun.WithIterationCount(15) : Job.Default)
            .WithRuntime(CoreRuntime.CreateForNewVersion("net10.0", ".NET 10.0"))
            .WithToolchain(toolchain)
            .WithEnvironmentVariable(BenchChild.AppVariable, appPath);
        Job shipped = common.WithId(Shipped);
        Job noWatchers = common.WithArguments([new MsBuildArgument("/p:SharedStructBenchVariant=" + NoWatchers)]).WithId(NoWatchers);
        Job noStatistics = common.WithArguments([new MsBuildArgument("/p:SharedStructBenchVariant=" + NoStatistics)]).WithId(NoStatistics);
        IConfig config = DefaultConfig.Instance
            .AddJob(shipped)
            .AddJob(noWatchers)
            .AddJob(noStatistics)
            .AddFilter(new SimpleFilter(c => c.Job.Id == Shipped || (int)c.Parameters["Watchers"] == 0))
            .WithOptions(ConfigOptions.JoinSummary);
        Summary summary = BenchmarkRunner.Run<WriterCostBenchmarks>(config);
        return summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => new WriterCostRow(
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r.BenchmarkCase.Job.Id,
                (int)r.BenchmarkCase.Parameters["Watchers"],
                r.ResultStatistics!.Median,
                r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0))
            .ToList();
    }

    /// <summary>
    /// BenchmarkDotNet 0.14 predates .NET 10: its SDK check throws for a runtime it does not recognise. The build it
    /// would check is the one this program was built with, so the check is skipped; everything else is the CsProj toolchain's.
    /// </summary>
    private sealed class UnvalidatedToolchain(IToolchain inner) : IToolchain
    {
        public string Name => inner.Name;
        public IGenerator Generator => inner.Generator;
        public IBuilder Builder => inner.Builder;
        public IExecutor Executor => inner.Executor;
        public bool IsInProcess => inner.IsInProcess;

        public IEnumerable<ValidationError> Validate(BenchmarkCase benchmarkCase, IResolver resolver) => [];

        public override string ToString() => inner.ToString() ?? Name;
    }
}
