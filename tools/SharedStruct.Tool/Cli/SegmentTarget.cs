using System;
using System.IO;

namespace SharedStruct.Tool.Cli;

/// <summary>
/// What a command points at: a named segment (in the default or a given directory) or a segment file. Turns every way
/// of not finding or not reading it into one clear message and an exit code.
/// </summary>
internal sealed class SegmentTarget
{
    private SegmentTarget(string? name, string? directory, string? file)
    {
        Name = name;
        Directory = directory;
        File = file;
    }

    public string? Name { get; }
    public string? Directory { get; }
    public string? File { get; }

    public SharedSegmentOptions Options => new() { Directory = Directory };

    /// <summary>How the target is named in messages.</summary>
    public string Display => File is not null ? $"segment file \"{File}\"" : $"segment \"{Name}\"";

    /// <summary>Validates the name (or file), printing what is wrong and returning a non-zero exit code on failure.</summary>
    public static int Create(ToolConsole console, string? name, string? directory, string? file, out SegmentTarget? target)
    {
        target = null;
        if (file is not null)
        {
            if (name is not null)
            {
                console.WriteError("give either a segment name or --file, not both.");
                return ExitCodes.Usage;
            }
            target = new SegmentTarget(null, null, Path.GetFullPath(file));
            return ExitCodes.Ok;
        }
        if (name is null)
        {
            console.WriteError("give a segment name (or --file PATH for a file-backed segment).");
            return ExitCodes.Usage;
        }
        string? problem = SegmentName.Explain(name);
        if (problem is not null)
        {
            console.WriteError($"invalid segment name \"{name}\": {problem}.");
            console.Error.WriteLine(SegmentName.Rule);
            return ExitCodes.InvalidName;
        }
        if (directory is not null && !System.IO.Directory.Exists(directory))
        {
            console.WriteError($"the segment directory \"{directory}\" does not exist.");
            return ExitCodes.NotFound;
        }
        target = new SegmentTarget(name, directory, null);
        return ExitCodes.Ok;
    }

    /// <summary>Where the segment lives (the file path on Unix).</summary>
    public string Location => File ?? SharedSegment.Locate(Name!, Options);

    /// <summary>
    /// Reads the segment through a read-only mapping. A foreign or damaged file is not an exception here: it comes back
    /// with <see cref="SegmentInfo.Problem"/> set. Missing or unreadable segments print a message and return non-zero.
    /// </summary>
    public int TryInspect(ToolConsole console, out SegmentInfo? info)
    {
        info = null;
        try
        {
            info = File is not null ? SegmentInspector.InspectFile(File) : SegmentInspector.Inspect(Name!, Options);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            console.WriteError(File is not null
                ? $"there is no file \"{File}\"."
                : $"there is no segment named \"{Name}\" (looked for {Location}). `sharedstruct list` shows the segments that exist.");
            return ExitCodes.NotFound;
        }
        catch (UnauthorizedAccessException e)
        {
            console.WriteError($"cannot read {Display}: {e.Message}");
            return ExitCodes.IoError;
        }
        catch (IOException e)
        {
            console.WriteError($"cannot read {Display}: {e.Message}");
            return ExitCodes.IoError;
        }
    }

    /// <summary>Reports a foreign or damaged file, stressing that it was left as it was.</summary>
    public int ReportProblem(ToolConsole console, SegmentInfo info)
    {
        console.WriteError($"{Display} at {info.Location} ({info.Size} bytes) is not a usable SharedStruct segment: {Show.Problem(info)}. " +
                           "It was only read, not modified.");
        return ExitCodes.BadSegment;
    }

    /// <summary>Aligned "Key  value" lines (plain text, so nothing in a value is read as markup).</summary>
    public static void WriteKeyValues(ToolConsole console, params (string Key, string Value)[] rows)
    {
        int width = 0;
        foreach ((string key, _) in rows)
            width = Math.Max(width, key.Length);
        foreach ((string key, string value) in rows)
            console.WriteLine(key.PadRight(width + 2) + value);
    }
}
