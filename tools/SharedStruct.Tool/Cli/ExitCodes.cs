namespace SharedStruct.Tool.Cli;

/// <summary>The tool's exit codes, documented in docs/tool.md so scripts can rely on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad command line (System.CommandLine's own parse-error code).</summary>
    public const int Usage = 1;

    /// <summary>No such segment, file or directory.</summary>
    public const int NotFound = 2;

    /// <summary>The segment name breaks <see cref="SegmentName.Rule"/>.</summary>
    public const int InvalidName = 3;

    /// <summary>The file is not a usable SharedStruct segment (foreign, truncated, corrupted, unfinished).</summary>
    public const int BadSegment = 4;

    /// <summary>The tool refused to act (a live process holds or uses the segment).</summary>
    public const int Refused = 5;

    /// <summary>The segment could not be read or removed (permissions, I/O).</summary>
    public const int IoError = 6;
}
