using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;

namespace SharedStruct.Tool.Tests.Infrastructure;

/// <summary>The built tool (<c>dotnet sharedstruct.dll</c>) as a real process with redirected output. Killed on Dispose.</summary>
internal sealed class ToolProcess : IDisposable
{
    private static readonly string ToolDll = Path.Combine(AppContext.BaseDirectory, "sharedstruct.dll");
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _all = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private ToolProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
                return;
            }
            _all.Enqueue(e.Data);
            _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static ToolProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo
        {
            FileName = "dotnet",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ToolDll);
        foreach (string a in args)
            info.ArgumentList.Add(a);
        return new ToolProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the tool"));
    }

    /// <summary>Runs the tool to completion and returns what it printed.</summary>
    public static ToolResult Run(params string[] args)
    {
        using ToolProcess tool = Start(args);
        int code = tool.WaitForExit();
        return new ToolResult(code, tool.Output, tool.StandardError);
    }

    public string Output => string.Join("\n", _all);

    public string StandardError => string.Join("\n", _errors);

    /// <summary>The next line the tool printed; fails with its stderr if none comes within a generous limit.</summary>
    public string ReadLine()
    {
        if (_lines.TryTake(out string? line, TimeSpan.FromSeconds(60)))
            return line;
        throw new TimeoutException($"the tool printed no line in time (exited: {_process.HasExited}). stderr: {StandardError}");
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(120)))
            throw new TimeoutException($"the tool did not exit in time. stdout: {Output} stderr: {StandardError}");
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
