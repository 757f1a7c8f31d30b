using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SharedStruct.Benchmarks;
using SharedStruct.Benchmarks.Contention;
using SharedStruct.Benchmarks.Report;

// dotnet run -c Release --project bench/SharedStruct.Benchmarks -- [--short] [--no-micro] [--no-contention] [--no-snapshots] [--out FILE]
if (args.Length > 0 && args[0] == "contention-worker")
    return ContentionRun.Worker(args[1], args[2], long.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));

bool isShort = args.Contains("--short");
int outIndex = Array.IndexOf(args, "--out");
string output = outIndex >= 0 ? args[outIndex + 1] : Path.Combine(FindBenchDirectory(), "RESULTS.md");

Summary? micro = null;
if (!args.Contains("--no-micro"))
{
    // In-process: no separate project build per run, and the same process (and CPU state) for every baseline.
    Job job = (isShort ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
    IConfig config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.JoinSummary);
    micro = BenchmarkRunner.Run<UncontendedBenchmarks>(config);
}

var contention = new List<ContentionResult>();
if (!args.Contains("--no-contention"))
{
    long perWorker = isShort ? 100_000 : 500_000;
    foreach (int workers in new[] { 2, 4 })
        foreach (string method in new[] { ContentionRun.SharedStructMethod, ContentionRun.MutexMethod, ContentionRun.CasMethod })
        {
            ContentionResult r = ContentionRun.Run(method, workers, perWorker);
            Console.WriteLine($"{workers} workers, {method}: {(r.Finished ? $"{r.PerSecond:N0}/s p50 {r.P50Ns:F0} ns p99 {r.P99Ns:F0} ns exact={r.Exact} wakes={r.Wakes} futile={r.FutileWakes}" : "did not finish")}");
            contention.Add(r);
        }
}

IReadOnlyList<SharedStruct.Benchmarks.Snapshots.SnapshotBandwidthResult> snapshots = args.Contains("--no-snapshots")
    ? []
    : SharedStruct.Benchmarks.Snapshots.SnapshotBandwidthRun.Run(isShort);
foreach (var s in snapshots)
    Console.WriteLine($"{s.SizeBytes >> 20} MiB snapshot: {s.SnapshotGBps:F2} GB/s, Buffer.MemoryCopy {s.MemoryCopyGBps:F2} GB/s ({s.Ratio:P0})");

string command = "dotnet run -c Release --project bench/SharedStruct.Benchmarks --" + (args.Length > 0 ? " " + string.Join(' ', args) : "");
Console.WriteLine(ResultsWriter.Write(output, command, micro, contention, snapshots));
Console.WriteLine($"written to {output}");
return 0;

static string FindBenchDirectory()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SharedStruct.sln")))
            return Path.Combine(dir.FullName, "bench");
    return Directory.GetCurrentDirectory();
}
