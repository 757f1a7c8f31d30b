using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using SharedStruct.Benchmarks.Snapshots;

namespace SharedStruct.Benchmarks.Report;

/// <summary>The report's section on large-payload snapshots, and its target rows.</summary>
internal static class SnapshotBandwidthSection
{
    /// <summary>The goal: a by-reference snapshot reaches this share of a bare memory copy's bandwidth.</summary>
    public const double Goal = 0.8;

    public static void Append(StringBuilder md, IReadOnlyList<SnapshotBandwidthResult> results)
    {
        if (results.Count == 0)
            return;
        md.AppendLine("## Large payloads: ReadSnapshot(ref T) against Buffer.MemoryCopy");
        md.AppendLine();
        md.AppendLine("A consistent snapshot into caller storage (native memory here) against a bare `Buffer.MemoryCopy` of the same mapped payload into the same destination, rounds alternated in one process; medians. No by-value copy exists for these sizes (over 64 KiB the generator emits none); the 8 MiB row is the issue's 8 MB case.");
        md.AppendLine();
        md.AppendLine("| payload | Buffer.MemoryCopy | ReadSnapshot(ref T) | ratio | rounds x copies |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (SnapshotBandwidthResult r in results)
            md.AppendLine(Inv($"| {r.SizeBytes >> 20} MiB | {r.MemoryCopyGBps:F2} GB/s | {r.SnapshotGBps:F2} GB/s | {r.Ratio:P0} | {r.Rounds} x {r.CopiesPerRound} |"));
        md.AppendLine();
    }

    public static void AppendTargets(StringBuilder md, IReadOnlyList<SnapshotBandwidthResult> results)
    {
        foreach (SnapshotBandwidthResult r in results)
            md.AppendLine(Inv($"| {r.SizeBytes >> 20} MiB ReadSnapshot(ref T) >= {Goal:P0} of Buffer.MemoryCopy bandwidth | {r.Ratio:P0} | {(r.Ratio >= Goal ? "yes" : "**no**")} |"));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
