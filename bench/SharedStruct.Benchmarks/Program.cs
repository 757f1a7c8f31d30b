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
using SharedStruct.Benchmarks.Rollback;
using SharedStruct.Benchmarks.Watching;

// dotnet run -c Release --project bench/SharedStruct.Benchmarks -- [--short] [--no-micro] [--no-contention] [--no-snapshots] [--no-watch] [--no-writer-cost] [--no-rollback] [--no-rollback-cost] [--only watch|rollback] [--out FILE]
// --only watch (or rollback) runs just the change-notification (or crash-atomic) section, for a quick check: it writes
// BenchmarkDotNet.Artifacts/RESULTS-<section>.md (under the current folder) unless --out says otherwise, so a partial run
// never replaces bench/RESULTS.md by accident.
if (args.Length > 0)
{
    switch (args[0])
    {
        case "contention-worker":
            return ContentionRun.Worker(args[1], args[2], long.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
        case "wake-peer":
            return WakeLatencyRun.Peer(args[1], args[2], args[3], args[4], int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture));
        case "idle-watcher":
            return IdleWatcherRun.Watcher(args[1]);
        case "watch-worker":
            return WriterCostBenchmarks.Watcher(args[1]);
        case "rollback-holder":
            return ReaderLatencyRun.Holder(args[1], args[2]);
    }
}

bool isShort = args.Contains("--short");
int onlyIndex = Array.IndexOf(args, "--only");
string? only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1] : null;
if (onlyIndex >= 0 && only is not ("watch" or "rollback"))
{
    Console.Error.WriteLine("--only takes one section: watch or rollback");
    return 2;
}
int outIndex = Array.IndexOf(args, "--out");
string output = outIndex >= 0 ? args[outIndex + 1]
    : only is null ? Path.Combine(FindBenchDirectory(), "RESULTS.md")
    : Path.Combine(Directory.CreateDirectory("BenchmarkDotNet.Artifacts").FullName, "RESULTS-" + only + ".md");

Summary? micro = null;
if (only is null && !args.Contains("--no-micro"))
{
    // In-process: no separate project build per run, and the same process (and CPU state) for every baseline.
    // 15 iterations under --short, as the other in-process jobs: with ShortRun's 3, three runs of the same code on one
    // day put the lock at 1.09x, 1.11x and 1.39x its bare CAS pair.
    Job job = (isShort ? Job.ShortRun.WithIterationCount(15) : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
    IConfig config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.JoinSummary);
    micro = BenchmarkRunner.Run<UncontendedBenchmarks>(config);
}

var contention = new List<ContentionResult>();
if (only is null && !args.Contains("--no-contention"))
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

IReadOnlyList<SharedStruct.Benchmarks.Snapshots.SnapshotBandwidthResult> snapshots = only is not null || args.Contains("--no-snapshots")
    ? []
    : SharedStruct.Benchmarks.Snapshots.SnapshotBandwidthRun.Run(isShort);
foreach (var s in snapshots)
    Console.WriteLine($"{s.SizeBytes >> 20} MiB snapshot: {s.SnapshotGBps:F2} GB/s, Buffer.MemoryCopy {s.MemoryCopyGBps:F2} GB/s ({s.Ratio:P0})");

ChangeNotificationResults? watch = null;
if ((only is null || only == "watch") && !args.Contains("--no-watch"))
    watch = ChangeNotificationRun.Run(isShort, !args.Contains("--no-writer-cost"), typeof(ContentionRun).Assembly.Location);

RollbackResults? rollback = null;
if ((only is null || only == "rollback") && !args.Contains("--no-rollback"))
    rollback = RollbackRun.Run(isShort, !args.Contains("--no-rollback-cost"));

string command = "dotnet run -c Release --project bench/SharedStruct.Benchmarks --" + (args.Length > 0 ? " " + string.Join(' ', args) : "");
Console.WriteLine(ResultsWriter.Write(output, command, micro, contention, watch, snapshots, rollback));
Console.WriteLine($"written to {output}");
return 0;

static string FindBenchDirectory()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SharedStruct.sln")))
            return Path.Combine(dir.FullName, "bench");
    return Directory.GetCurrentDirectory();
}
