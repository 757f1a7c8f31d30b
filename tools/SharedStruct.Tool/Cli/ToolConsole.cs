using System;
using System.IO;
using Spectre.Console;

namespace SharedStruct.Tool.Cli;

/// <summary>
/// Where the commands write: a Spectre console for results, a plain writer for errors. Tests pass captured writers;
/// the process passes its own standard streams.
/// </summary>
internal sealed class ToolConsole
{
    /// <summary>Wide enough that tables never wrap when the output goes to a file or a pipe.</summary>
    public const int RedirectedWidth = 250;

    private ToolConsole(IAnsiConsole output, TextWriter outWriter, TextWriter error, bool interactive)
    {
        Out = output;
        OutWriter = outWriter;
        Error = error;
        Interactive = interactive;
    }

    /// <summary>Results: tables, headers, watch lines.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>The writer behind <see cref="Out"/>, for System.CommandLine's help text.</summary>
    public TextWriter OutWriter { get; }

    /// <summary>Error messages, one clear sentence each.</summary>
    public TextWriter Error { get; }

    /// <summary>True for a terminal that can redraw (live watch view, rounded tables); false for a file or pipe.</summary>
    public bool Interactive { get; }

    /// <summary>The process's own console.</summary>
    public static ToolConsole ForProcess()
    {
        bool redirected = Console.IsOutputRedirected;
        if (!redirected)
            return new ToolConsole(AnsiConsole.Console, Console.Out, Console.Error, AnsiConsole.Profile.Capabilities.Interactive);
        return Plain(Console.Out, Console.Error);
    }

    /// <summary>Plain text, no colours or cursor movement, wide lines: for redirected output and for tests.</summary>
    public static ToolConsole Plain(TextWriter output, TextWriter error)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = RedirectedWidth;
        return new ToolConsole(console, output, error, interactive: false);
    }

    /// <summary>
    /// A plain line straight to the output writer: never wrapped or parsed as markup, so a long watch line stays one
    /// line. (Spectre writes to the same writer, so the order is kept.)
    /// </summary>
    public void WriteLine(string text = "") => OutWriter.WriteLine(text);

    public void WriteError(string message) => Error.WriteLine("sharedstruct: " + message);
}
