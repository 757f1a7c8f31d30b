using System.CommandLine;
using System.Globalization;
using SharedStruct.Tool.Cli;

namespace SharedStruct.Tool.Commands;

/// <summary><c>sharedstruct stats</c>: the lock statistics every process using the segment counted in its header.</summary>
internal static class StatsCommand
{
    public static Command Create(ToolConsole console)
    {
        Argument<string?> name = CommonOptions.Name(optional: true);
        Option<string?> dir = CommonOptions.Directory();
        Option<string?> file = CommonOptions.File();
        var command = new Command("stats", "Show a segment's lock statistics: acquisitions, contention, waits, timeouts, recoveries, snapshot retries.") { name, dir, file };
        command.SetAction(result => Run(console, result.GetValue(name), result.GetValue(dir), result.GetValue(file)));
        return command;
    }

    public static int Run(ToolConsole console, string? name, string? directory, string? file)
    {
        int code = SegmentTarget.Create(console, name, directory, file, out SegmentTarget? target);
        if (code != ExitCodes.Ok)
            return code;
        code = target!.TryInspect(console, out SegmentInfo? info);
        if (code != ExitCodes.Ok)
            return code;
        if (!info!.IsValid)
            return target.ReportProblem(console, info);

        SegmentStatistics s = info.Statistics;
        string contended = s.Acquisitions == 0 || s.ContendedAcquisitions == 0
            ? Count(s.ContendedAcquisitions)
            : Count(s.ContendedAcquisitions) + " (" + (100.0 * s.ContendedAcquisitions / s.Acquisitions).ToString("0.0##", CultureInfo.InvariantCulture) + "% of all)";
        string waits = s.ContendedAcquisitions == 0
            ? "none"
            : $"total {Wait(s.TotalWait)}, mean {Wait(s.TotalWait / (double)s.ContendedAcquisitions)}, longest {Wait(s.MaxWait)}";
        string recoveries = s.Recoveries == 0
            ? "none"
            : Count(s.Recoveries) + (s.LastRecoveryAt is { } at ? $", last at {Show.Timestamp(at)}" : "") +
              (s.LastRecoveredPid is int pid ? $" from dead process {pid.ToString(CultureInfo.InvariantCulture)}" : "");
        SegmentTarget.WriteKeyValues(console,
            ("Segment", info.Name),
            ("Acquisitions", Count(s.Acquisitions)),
            ("Contended", contended),
            ("Waits", waits),
            ("Timeouts", Count(s.Timeouts)),
            ("Recoveries", recoveries),
            ("Snapshot retries", Count(s.SnapshotRetries)));
        return ExitCodes.Ok;
    }

    /// <summary>Waits are mostly microseconds: show them so below a millisecond, like any duration above.</summary>
    private static string Wait(System.TimeSpan t) => t < System.TimeSpan.FromMilliseconds(1)
        ? (t.Ticks / 10.0).ToString("0.#", CultureInfo.InvariantCulture) + " µs"
        : t < System.TimeSpan.FromSeconds(1) ? t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms" : Show.Duration(t);

    private static string Count(ulong n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
