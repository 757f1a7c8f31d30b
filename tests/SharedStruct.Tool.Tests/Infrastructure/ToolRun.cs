using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Tool.Cli;

namespace SharedStruct.Tool.Tests.Infrastructure;

/// <summary>What one tool invocation printed and returned.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>Runs the tool's command tree in this process with captured, plain-text output.</summary>
internal static class ToolRun
{
    public static ToolResult Run(params string[] args) => RunAsync(args, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<ToolResult> RunAsync(string[] args, CancellationToken cancellation, LockedWriter? output = null)
    {
        output ??= new LockedWriter();
        var error = new LockedWriter();
        int code = await ToolCli.RunAsync(args, ToolConsole.Plain(output, error), cancellation);
        return new ToolResult(code, output.Text, error.Text);
    }
}

/// <summary>A string writer that another thread may read while the tool writes (for watch).</summary>
internal sealed class LockedWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    public override void Write(char value)
    {
        lock (_text)
            _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text)
            _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_text)
            _text.Append(buffer, index, count);
    }

    /// <summary>Waits until the text satisfies <paramref name="condition"/>; fails with the text so far after a generous limit.</summary>
    public void WaitFor(Func<string, bool> condition, string what, TimeSpan? limit = null)
    {
        DateTime deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (!condition(Text))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the tool never printed {what}. Output so far:\n{Text}");
            Thread.Sleep(10);
        }
    }
}
