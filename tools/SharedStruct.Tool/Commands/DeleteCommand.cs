using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using SharedStruct.Tool.Cli;

namespace SharedStruct.Tool.Commands;

/// <summary>
/// <c>sharedstruct delete</c>: removes a segment. Refuses while a live process holds its lock or has it open, and
/// refuses files that are not valid segments, unless <c>--force</c>.
/// </summary>
internal static class DeleteCommand
{
    public static Command Create(ToolConsole console)
    {
        Argument<string?> name = CommonOptions.Name(optional: false);
        Option<string?> dir = CommonOptions.Directory();
        var force = new Option<bool>("--force")
        {
            Description = "Delete even if a live process holds the lock or has the segment open, or the file is not a valid segment.",
        };
        var command = new Command("delete", "Remove a segment, refusing while a live process uses it unless --force.") { name, dir, force };
        command.SetAction(result => Run(console, result.GetValue(name), result.GetValue(dir), result.GetValue(force)));
        return command;
    }

    public static int Run(ToolConsole console, string? name, string? directory, bool force)
    {
        int code = SegmentTarget.Create(console, name, directory, file: null, out SegmentTarget? target);
        if (code != ExitCodes.Ok)
            return code;
        code = target!.TryInspect(console, out SegmentInfo? info);
        if (code != ExitCodes.Ok)
            return code;

        if (!info!.IsValid)
        {
            if (!force)
            {
                console.WriteError($"{target.Display} at {info.Location} is not a valid SharedStruct segment ({Show.Problem(info)}); not deleting it. " +
                                   "Check what the file is; `--force` deletes it anyway.");
                return ExitCodes.BadSegment;
            }
        }
        else
        {
            string? user = LiveUse(info);
            if (user is not null)
            {
                if (!force)
                {
                    console.WriteError($"refusing to delete {target.Display}: {user}. Stop that process first, or use --force " +
                                       "(processes that have it open keep using the old memory; the next Open creates a new, empty segment).");
                    return ExitCodes.Refused;
                }
                console.Error.WriteLine($"warning: deleting {target.Display} although {user}.");
            }
        }

        try
        {
            if (!(force ? SharedSegment.ForceDelete(target.Name!, target.Options) : SharedSegment.Delete(target.Name!, target.Options)))
            {
                console.WriteError($"{target.Display} disappeared before it could be deleted.");
                return ExitCodes.NotFound;
            }
        }
        catch (SegmentInUseException)
        {
            console.WriteError($"refusing to delete {target.Display}: a process opened it meanwhile. Stop it first, or use --force.");
            return ExitCodes.Refused;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.WriteError($"cannot delete {target.Display}: {e.Message}");
            return ExitCodes.IoError;
        }
        console.WriteLine($"Deleted {target.Display} ({info.Location}).");
        return ExitCodes.Ok;
    }

    /// <summary>Who still uses the segment, in words, or null when no live process does.</summary>
    internal static string? LiveUse(SegmentInfo info)
    {
        if (info.HolderPid is int holder && info.HolderAlive)
            return $"live process {holder} holds its lock" + (info.HeldFor is { } t ? $" (for {Show.Duration(t)})" : "");
        int[] live = info.Processes.Where(p => p.IsAlive).Select(p => p.Pid).ToArray();
        if (live.Length > 0)
            return (live.Length == 1 ? "live process " : "live processes ") + string.Join(", ", live) + (live.Length == 1 ? " has" : " have") + " it open";
        if (info.ReadersAttached)
            return "read-only readers have it open";
        if (info.Attached)
            return "another process has it open";
        return null;
    }
}
