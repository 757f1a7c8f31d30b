using System.CommandLine;

namespace SharedStruct.Tool.Cli;

/// <summary>Options several commands share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Directory() => new("--dir")
    {
        Description = "The segment directory (default: /dev/shm on Linux; the runtime's per-user folder on macOS).",
        HelpName = "DIR",
    };

    public static Option<string?> File() => new("--file")
    {
        Description = "Read a file-backed segment from this path instead of a named one.",
        HelpName = "PATH",
    };

    public static Argument<string?> Name(bool optional)
    {
        var argument = new Argument<string?>("name") { Description = "The segment name, as passed to Open or [SharedSegment(\"...\")]." };
        if (optional)
            argument.Arity = ArgumentArity.ZeroOrOne;
        return argument;
    }
}
