using SharedStruct.Tests;

namespace SharedStruct.Tool.Tests.Infrastructure;

/// <summary>The built tool (<c>dotnet sharedstruct.dll</c>) as a real process: the shared <see cref="ChildProcess"/>.</summary>
internal static class ToolProcess
{
    public static ChildProcess Start(params string[] args) => ChildProcess.StartProgram("sharedstruct.dll", args);

    /// <summary>Runs the tool to completion and returns what it printed.</summary>
    public static ToolResult Run(params string[] args)
    {
        using ChildProcess tool = Start(args);
        int code = tool.WaitForExit();
        return new ToolResult(code, tool.Output, tool.StandardError);
    }
}
