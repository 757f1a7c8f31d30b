using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using SharedStruct.Tool.Cli;

namespace SharedStruct.Tool.Commands;

/// <summary>
/// <c>sharedstruct stale</c>: segments no live process uses (every attached process and any lock holder is gone),
/// and with <c>--delete</c> removes them. Files that are not valid segments are never touched here.
/// </summary>
internal static class StaleCommand
{
    public static Command Create(ToolConsole console)
    {
        Option<string?> dir = CommonOptions.Directory();
        var delete = new Option<bool>("--delete") { Description = "Delete the stale segments." };
        var command = new Command("stale", "List segments that no live process uses (their holders and users are all gone); --delete removes them.") { dir, delete };
        command.SetAction(result => Run(console, result.GetValue(dir), result.GetValue(delete)));
        return command;
    }

    public static int Run(ToolConsole console, string? directory, bool delete)
    {
        var options = new SharedSegmentOptions { Directory = directory };
        string where = directory ?? ListCommand.DefaultDirectory();
        if (directory is not null && !Directory.Exists(directory))
        {
            console.WriteError($"the segment directory \"{directory}\" does not exist.");
            return ExitCodes.NotFound;
        }
        List<SegmentInfo> all;
        try
        {
            all = SegmentInspector.List(options).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.WriteError($"cannot list {where}: {e.Message}");
            return ExitCodes.IoError;
        }
        List<SegmentInfo> stale = all.Where(s => s.IsStale).ToList();
        int invalid = all.Count(s => !s.IsValid);

        if (stale.Count == 0)
        {
            console.WriteLine($"No stale segments in {where}.");
        }
        else
        {
            Tables table = Tables.Create("NAME", "PAYLOAD", "LAYOUT", "CREATED", "CREATOR", "LAST HOLDER", "PROCESSES");
            foreach (SegmentInfo s in stale)
            {
                string holder = s.HolderPid is int pid ? Show.Process(pid, s.HolderAlive) : "-";
                table.Add(s.Name, Show.Bytes(s.PayloadSize), Show.LayoutName(s), Show.Timestamp(s.CreatedAt),
                    Show.Process(s.CreatorPid, s.CreatorAlive), holder, Show.Processes(s.Processes));
            }
            table.Write(console);
            console.WriteLine($"{stale.Count} stale segment(s) in {where}.");
        }

        int code = ExitCodes.Ok;
        if (delete)
        {
            foreach (SegmentInfo s in stale)
                code = Math.Max(code, DeleteIfStillStale(console, s.Name, options));
        }
        else if (stale.Count > 0)
        {
            console.WriteLine("Run `sharedstruct stale --delete` to remove them.");
        }
        if (invalid > 0)
            console.WriteLine($"{invalid} file(s) that are not valid segments were left alone; `sharedstruct list` shows why.");
        return code;
    }

    /// <summary>Looks again right before deleting, so a process that attached meanwhile keeps its segment.</summary>
    private static int DeleteIfStillStale(ToolConsole console, string name, SharedSegmentOptions options)
    {
        try
        {
            SegmentInfo now = SegmentInspector.Inspect(name, options);
            if (!now.IsStale)
            {
                console.WriteLine($"Kept {name}: {DeleteCommand.LiveUse(now) ?? "it changed"} now.");
                return ExitCodes.Ok;
            }
            if (SharedSegment.Delete(name, options))
                console.WriteLine($"Deleted {name}.");
            return ExitCodes.Ok;
        }
        catch (FileNotFoundException)
        {
            return ExitCodes.Ok; // someone else removed it: the goal is met
        }
        catch (SegmentInUseException)
        {
            console.WriteLine($"Kept {name}: a process opened it meanwhile.");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.WriteError($"cannot delete {name}: {e.Message}");
            return ExitCodes.IoError;
        }
    }
}
