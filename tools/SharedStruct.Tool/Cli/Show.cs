using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SharedStruct.Tool.Layout;

namespace SharedStruct.Tool.Cli;

/// <summary>How the commands word sizes, durations, processes and layouts.</summary>
internal static class Show
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Bytes(long bytes)
    {
        if (bytes < 1024)
            return bytes.ToString(Inv) + " B";
        if (bytes < 1024 * 1024)
            return (bytes / 1024.0).ToString("0.#", Inv) + " KiB";
        if (bytes < 1024L * 1024 * 1024)
            return (bytes / (1024.0 * 1024)).ToString("0.#", Inv) + " MiB";
        return (bytes / (1024.0 * 1024 * 1024)).ToString("0.##", Inv) + " GiB";
    }

    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.FromSeconds(1))
            return ((int)t.TotalMilliseconds).ToString(Inv) + " ms";
        if (t < TimeSpan.FromMinutes(1))
            return t.TotalSeconds.ToString("0.0", Inv) + " s";
        if (t < TimeSpan.FromHours(1))
            return $"{(int)t.TotalMinutes} min {t.Seconds} s";
        if (t < TimeSpan.FromDays(1))
            return $"{(int)t.TotalHours} h {t.Minutes} min";
        return $"{(int)t.TotalDays} d {t.Hours} h";
    }

    /// <summary>"812 (alive)"; a pid of another PID namespace (another container) says so, as it names nothing here.</summary>
    public static string Process(int pid, bool alive, bool otherNamespace = false) =>
        $"{pid} ({(alive ? "alive" : "dead")}{(otherNamespace ? ", another PID namespace" : "")})";

    public static string Processes(IReadOnlyList<AttachedProcess> processes) =>
        processes.Count == 0 ? "none" : string.Join(", ", processes.Select(p => Process(p.Pid, p.IsAlive, p.InOtherPidNamespace)));

    /// <summary>"2 alive, 1 dead", or "none".</summary>
    public static string ProcessCounts(IReadOnlyList<AttachedProcess> processes)
    {
        if (processes.Count == 0)
            return "none";
        int alive = processes.Count(p => p.IsAlive);
        int dead = processes.Count - alive;
        return dead == 0 ? $"{alive} alive" : alive == 0 ? $"{dead} dead" : $"{alive} alive, {dead} dead";
    }

    /// <summary>The struct name from the stored description, for a table column.</summary>
    public static string LayoutName(SegmentInfo info)
    {
        if (!info.IsValid)
            return "";
        if (info.LayoutDescription is null)
            return "(not stored)";
        if (LayoutParser.TryParse(info.LayoutDescription, out LayoutDescription? layout, out _))
            return layout!.StructName;
        string first = info.LayoutDescription.Split('\n')[0].Trim();
        return "(unreadable: " + (first.Length > 40 ? first.Substring(0, 40) + "…" : first) + ")";
    }

    /// <summary>The inspector's problem text without a closing period, so it can sit inside a sentence.</summary>
    public static string Problem(SegmentInfo info) => (info.Problem ?? "").Trim().TrimEnd('.');

    public static string Times(uint n) => n == 1 ? "once" : n.ToString(Inv) + " times";

    public static string Hex(ulong value) => "0x" + value.ToString("x16", Inv);

    public static string Timestamp(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", Inv);

    public static string Clock(DateTimeOffset t) => t.ToLocalTime().ToString("HH:mm:ss.fff", Inv);
}
