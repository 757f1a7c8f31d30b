using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using SharedStruct.Tool.Cli;

namespace SharedStruct.Tool.Commands;

/// <summary><c>sharedstruct list</c>: one row per segment in the segment directory.</summary>
internal static class ListCommand
{
    public static Command Create(ToolConsole console)
    {
        Option<string?> dir = CommonOptions.Directory();
        var command = new Command("list", "List the segments in the segment directory: size, layout, creator, lock holder, users, problems.") { dir };
        command.SetAction(result => Run(console, result.GetValue(dir)));
        return command;
    }

    public static int Run(ToolConsole console, string? directory)
    {
        var options = new SharedSegmentOptions { Directory = directory };
        string where = directory ?? DefaultDirectory();
        if (directory is not null && !Directory.Exists(directory))
        {
            console.WriteError($"the segment directory \"{directory}\" does not exist.");
            return ExitCodes.NotFound;
        }

        List<SegmentInfo> segments;
        try
        {
            segments = SegmentInspector.List(options).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.WriteError($"cannot list {where}: {e.Message}");
            return ExitCodes.IoError;
        }
        if (segments.Count == 0)
        {
            console.WriteLine($"No segments in {where}.");
            return ExitCodes.Ok;
        }

        Tables table = Tables.Create("NAME", "SIZE", "LAYOUT", "CREATOR", "HOLDER", "HELD FOR", "ALIVE", "PROCESSES", "STALE", "PROBLEM");
        foreach (SegmentInfo s in segments)
        {
            if (!s.IsValid)
            {
                table.Add(s.Name, Show.Bytes(s.Size), "", s.CreatorPid > 0 ? Show.Process(s.CreatorPid, s.CreatorAlive) : "", "", "", "", "", "", Show.Problem(s));
                continue;
            }
            string holder = s.HolderPid is int pid ? pid.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
            string heldFor = s.HolderPid is null ? "-" : s.HeldFor is TimeSpan t ? Show.Duration(t) : "unknown";
            string alive = s.HolderPid is null ? "-" : s.HolderAlive ? "yes" : "no";
            table.Add(s.Name, Show.Bytes(s.Size), Show.LayoutName(s), Show.Process(s.CreatorPid, s.CreatorAlive),
                holder, heldFor, alive, Show.ProcessCounts(s.Processes) + (s.ReadersAttached ? " + readers" : ""), s.IsStale ? "yes" : "no", "");
        }
        table.Write(console);
        console.WriteLine($"{segments.Count} segment(s) in {where}.");
        return ExitCodes.Ok;
    }

    internal static string DefaultDirectory() => Path.GetDirectoryName(SharedSegment.Locate("x")) ?? "the segment directory";
}
