using System.CommandLine;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Tool.Commands;

namespace SharedStruct.Tool.Cli;

/// <summary>The command tree. Program.cs runs it on the process console; tests run it on captured writers.</summary>
internal static class ToolCli
{
    public static RootCommand Build(ToolConsole console)
    {
        var root = new RootCommand("Inspect SharedStruct shared-memory segments: list them, decode their fields, watch them change, clean up leftovers. " +
                                   "Every read goes through a read-only mapping, so the tool never changes a segment it looks at.")
        {
            ListCommand.Create(console),
            InspectCommand.Create(console),
            StatsCommand.Create(console),
            WatchCommand.Create(console),
            DeleteCommand.Create(console),
            StaleCommand.Create(console),
        };
        return root;
    }

    public static Task<int> RunAsync(string[] args, ToolConsole console, CancellationToken cancellation = default)
    {
        ParseResult result = Build(console).Parse(args);
        return result.InvokeAsync(new InvocationConfiguration { Output = console.OutWriter, Error = console.Error }, cancellation);
    }
}
