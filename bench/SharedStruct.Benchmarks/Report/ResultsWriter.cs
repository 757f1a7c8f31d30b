using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Reports;
using SharedStruct.Benchmarks.Contention;
using SharedStruct.Benchmarks.Watching;

namespace SharedStruct.Benchmarks.Report;

/// <summary>Writes bench/RESULTS.md: the machine, the command, every figure beside its same-run baseline, and the targets.</summary>
internal static class ResultsWriter
{
    private sealed record Row(string Category, string Method, double MedianNs, long? AllocatedBytes);

    public static string Write(string path, string command, Summary? micro, IReadOnlyList<ContentionResult> contention, ChangeNotificationResults? watch,
        IReadOnlyList<Snapshots.SnapshotBandwidthResult>? snapshots = null, Rollback.RollbackResults? rollback = null)
    {
        snapshots ??= [];
        var rows = micro is null ? new List<Row>() : micro.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => new Row(
                r.BenchmarkCase.Descriptor.Categories.FirstOrDefault() ?? "",
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r.ResultStatistics!.Median,
                r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))
            .ToList();

        var md = new StringBuilder();
        md.AppendLine("# SharedStruct benchmark results");
        md.AppendLine();
        md.AppendLine("Regenerate with the command below; every ratio compares figures from this one run.");
        md.AppendLine();
        md.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine($"- command: `{command}`");
        md.AppendLine($"- machine: {Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        md.AppendLine();

        if (rows.Count > 0)
        {
            md.AppendLine("## Single process, uncontended (BenchmarkDotNet medians)");
            md.AppendLine();
            md.AppendLine("| category | method | median | ratio to category baseline | allocated |");
            md.AppendLine("|---|---|---:|---:|---:|");
            foreach (var group in rows.GroupBy(r => r.Category))
            {
                Row baseline = group.First(r => IsBaseline(r.Method));
                foreach (Row r in group.OrderBy(r => r.MedianNs))
                    md.AppendLine(Inv($"| {r.Category} | {r.Method}{(IsBaseline(r.Method) ? " (baseline)" : "")} | {r.MedianNs:F2} ns | {r.MedianNs / baseline.MedianNs:F2} | {r.AllocatedBytes ?? 0} B |"));
            }
            md.AppendLine();
        }

        if (contention.Count > 0)
        {
            md.AppendLine("## Multi-process contention (worker processes x locked non-atomic increments)");
            md.AppendLine();
            md.AppendLine("| workers | method | increments/s | acquire p50 | acquire p99 | final count exact | futex wakes (woke nobody) |");
            md.AppendLine("|---:|---|---:|---:|---:|---|---:|");
            foreach (ContentionResult c in contention)
                md.AppendLine(c.Finished
                    ? Inv($"| {c.Workers} | {c.Method} | {c.PerSecond:N0} | {c.P50Ns:F0} ns | {c.P99Ns:F0} ns | {(c.Exact ? "yes" : $"NO ({c.FinalCount})")} ({c.Workers} x {c.PerWorker:N0}) | {(c.Method == ContentionRun.SharedStructMethod ? $"{c.Wakes:N0} ({c.FutileWakes:N0})" : "-")} |")
                    : Inv($"| {c.Workers} | {c.Method} | did not finish in 3 min | - | - | - | - |"));
            md.AppendLine();
        }

        AppendBeforeLiveness(md, rows);
        SnapshotBandwidthSection.Append(md, snapshots);
        if (watch is not null)
            ChangeNotificationSection.Write(md, watch);
        if (rollback is not null)
            RollbackSection.Write(md, rollback);

        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---:|---|");
        double Median(string method) => rows.FirstOrDefault(r => r.Method == method)?.MedianNs ?? double.NaN;
        void Target(string what, double value, bool met, string unit) => TargetRow(md, what, value, met, unit);

        double lockVsCas = Median("SharedStructLock") / Median("BareCasPair");
        Target("uncontended Lock + write + dispose <= 1.3x bare CAS pair", lockVsCas, lockVsCas <= 1.3, "x");
        double mutexVsLock = Median("NamedMutexRecipePair") / Median("SharedStructLock");
        Target("named-Mutex recipe / SharedStruct Lock >= 30", mutexVsLock, mutexVsLock >= 30, "x");
        double getVsCas = Median("GeneratedPropertyGet") / Median("CasLockRawRead");
        Target("guarded property get <= 1.2x (CAS lock + raw read)", getVsCas, getVsCas <= 1.2, "x");
        double generatedLayer = Median("GeneratedPropertyGet") / Median("SharedStructLockRead");
        Target("context: guarded property get / runtime Lock + read (what the generated layer adds)", generatedLayer, generatedLayer <= 1.2, "x");
        double addVsInterlocked = Median("GeneratedAdd") / Median("InterlockedAddRawPointer");
        Target("AddX <= 1.2x Interlocked.Add on a raw pointer", addVsInterlocked, addVsInterlocked <= 1.2, "x");
        foreach (int workers in contention.Select(c => c.Workers).Distinct())
        {
            double ours = contention.FirstOrDefault(c => c.Workers == workers && c.Method == ContentionRun.SharedStructMethod)?.PerSecond ?? double.NaN;
            double mutex = contention.FirstOrDefault(c => c.Workers == workers && c.Method == ContentionRun.MutexMethod)?.PerSecond ?? double.NaN;
            double floor = contention.FirstOrDefault(c => c.Workers == workers && c.Method == ContentionRun.CasMethod)?.PerSecond ?? double.NaN;
            double need = workers <= 2 ? 20 : 10;
            Target($"{workers} processes contended: SharedStruct >= {need}x named-Mutex throughput", ours / mutex, ours / mutex >= need, "x");
            Target($"context: {workers} processes, bare CAS spin lock (no timeout, no crash detection) / named Mutex", floor / mutex, floor / mutex >= need, "x");
        }
        if (contention.Count > 0)
            Target("every contended run's final count exact", contention.Count(c => c.Exact), contention.All(c => c.Exact), $" of {contention.Count}");
        SnapshotBandwidthSection.AppendTargets(md, snapshots);
        string[] hot = ["SharedStructLock", "GeneratedPropertyGet", "GeneratedPropertySet", "GeneratedAdd"];
        long hotBytes = rows.Where(r => hot.Contains(r.Method)).Sum(r => r.AllocatedBytes ?? 0);
        if (rows.Count > 0)
            Target("0 B allocated on the hot paths (Lock, property get/set, AddX)", hotBytes, hotBytes == 0, " B");

        if (watch is not null)
            ChangeNotificationSection.Targets(md, watch);
        if (rollback is not null)
            RollbackSection.Targets(md, rollback);

        md.AppendLine();
        md.AppendLine("Context rows explain a miss. The contended targets compare against the named Mutex on this machine: when the bare CAS spin lock (the floor, with no timeout and no crash detection) itself falls short of a target, no lock can meet it. The guarded-property target compares against a bare CAS lock, so it includes the runtime lock's own bookkeeping (the holder's thread id, which makes a recursive Lock throw instead of deadlocking, and the release check); the \"what the generated layer adds\" row separates that out.");

        File.WriteAllText(path, md.ToString());
        return md.ToString();
    }

    /// <summary>
    /// The figures measured before the liveness change (a checked-in file, since that runtime cannot run in this process)
    /// beside this run's open-existing and lock figures, so RESULTS.md keeps the before-and-after when regenerated.
    /// </summary>
    private static void AppendBeforeLiveness(StringBuilder md, List<Row> rows)
    {
        string before = Path.Combine(AppContext.BaseDirectory, "BEFORE-LIVENESS.md");
        if (!File.Exists(before))
            return;
        md.AppendLine("## Liveness: before and after");
        md.AppendLine();
        Row? open = rows.FirstOrDefault(r => r.Method == "SharedSegmentOpenExisting");
        Row? raw = rows.FirstOrDefault(r => r.Method == "OpenAndMapRaw");
        Row? locked = rows.FirstOrDefault(r => r.Method == "SharedStructLock");
        Row? cas = rows.FirstOrDefault(r => r.Method == "BareCasPair");
        if (open is not null && raw is not null && locked is not null && cas is not null)
        {
            md.AppendLine(Inv($"This run (after): open existing {open.MedianNs:N0} ns, {open.AllocatedBytes ?? 0} B ({open.MedianNs / raw.MedianNs:F2}x its raw open + mmap); uncontended Lock + write + dispose {locked.MedianNs:F2} ns ({locked.MedianNs / cas.MedianNs:F2}x its bare CAS pair). Opening now also takes an OFD byte lock for the process-table row and the attach gate and checks that the path still names the file it mapped: a few system calls more, on a path that is not hot."));
            md.AppendLine();
        }
        md.Append(File.ReadAllText(before));
        md.AppendLine();
    }

    /// <summary>One row of the Targets table: ratios ("x") and nanoseconds (" ns") with two decimals, counts without.</summary>
    internal static void TargetRow(StringBuilder md, string what, double value, bool met, string unit) =>
        md.AppendLine(Inv($"| {what} | {(double.IsNaN(value) ? "not measured" : value.ToString(unit is "x" or " ns" ? "F2" : "F0", CultureInfo.InvariantCulture) + unit)} | {(double.IsNaN(value) ? "-" : met ? "yes" : "**no**")} |"));

    private static bool IsBaseline(string method) => method is "BareCasPair" or "CasLockRawRead" or "CasLockRawWrite" or "InterlockedAddRawPointer" or "OpenAndMapRaw";

    internal static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line.Substring(line.IndexOf(':') + 1).Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
