using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace SharedStruct.Tests;

/// <summary>
/// A real child process: a .NET program from the test's output folder, started with <c>dotnet</c>. Killed on Dispose
/// if still running, so a failing test leaves no process behind. Shared by the test projects (linked source).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _output = new();

    private readonly bool _wrapped;

    private ChildProcess(Process process, bool wrapped)
    {
        _process = process;
        _wrapped = wrapped;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
                return;
            }
            _output.Enqueue(e.Data);
            _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    /// <summary>Starts the scenarios app (tests/SharedStruct.Scenarios) with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string[] args, bool newSession = false) =>
        StartProgram("SharedStruct.Scenarios.dll", args, newSession);

    /// <summary>
    /// Starts the scenarios app under <paramref name="wrapper"/> (e.g. <c>unshare --pid --fork --kill-child --mount-proc</c>,
    /// so it runs as PID 1 of a namespace of its own). Killing the child kills the wrapper, whose --kill-child passes the
    /// SIGKILL on.
    /// </summary>
    public static ChildProcess StartWrapped(string[] wrapper, string[] args) =>
        StartProgram("SharedStruct.Scenarios.dll", args, wrapper: wrapper);

    /// <summary>The process id, in this namespace, of the wrapped program (the wrapper's only child), or the child's own id.</summary>
    public int InnerPid
    {
        get
        {
            for (int i = 0; i < 500; i++)
            {
                string path = $"/proc/{Pid}/task/{Pid}/children";
                string text = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
                if (text.Length > 0)
                    return int.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                Thread.Sleep(10);
            }
            return Pid;
        }
    }

    /// <summary>
    /// Starts <c>dotnet &lt;program&gt; args…</c> (the program from the test's output folder); with
    /// <paramref name="newSession"/> under setsid; with extra environment variables.
    /// </summary>
    public static ChildProcess StartProgram(string program, string[] args, bool newSession = false, IReadOnlyDictionary<string, string>? environment = null, string[]? wrapper = null)
    {
        if (newSession)
            wrapper = ["setsid"];
        var info = new ProcessStartInfo
        {
            FileName = wrapper is { Length: > 0 } ? wrapper[0] : "dotnet",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No debugger/diagnostics IPC: a killed child would otherwise leave its pipes and socket behind in /tmp.
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        // Children that crash on purpose write no crash report (.ci/run asks for them for the test processes); what
        // a child prints on stderr goes into the failure message of its test instead.
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        if (wrapper is { Length: > 0 })
        {
            for (int i = 1; i < wrapper.Length; i++)
                info.ArgumentList.Add(wrapper[i]);
            info.ArgumentList.Add("dotnet");
        }
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (string a in args)
            info.ArgumentList.Add(a);
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the scenarios child"), wrapper is { Length: > 0 } && !newSession);
    }

    /// <summary>The next line the child printed, within the timeout; fails with the child's stderr otherwise.</summary>
    public string ReadLine(TimeSpan? timeout = null)
    {
        if (_lines.TryTake(out string? line, timeout ?? TimeSpan.FromSeconds(60)))
            return line;
        throw new TimeoutException($"child {Pid} printed no line in time (exited: {_process.HasExited}). stderr: {string.Join(" | ", _errors)}");
    }

    /// <summary>Reads lines until one starts with <paramref name="prefix"/>.</summary>
    public string Expect(string prefix, TimeSpan? timeout = null)
    {
        while (true)
        {
            string line = ReadLine(timeout);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
        }
    }

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>kill -9: SIGKILL, no chance to release anything. Waits until the process is gone.</summary>
    public void KillHard()
    {
        if (_wrapped)
        {
            // SIGKILL the program itself (the wrapper's child), as a container runtime's kill would; the wrapper then exits.
            try
            {
                using var inner = Process.GetProcessById(InnerPid);
                if (inner.Id != Pid)
                    inner.Kill();
            }
            catch (ArgumentException)
            {
            }
        }
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(120)))
            throw new TimeoutException($"child {Pid} did not exit in time. stderr: {string.Join(" | ", _errors)}");
        // Let the output events catch up (they arrive on pool threads, which a busy 2-core machine hands out slowly),
        // but never wait for end-of-file unbounded: a grandchild that inherited the pipe would hold it open.
        for (int i = 0; i < 1000 && !_lines.IsAddingCompleted; i++)
            Thread.Sleep(10);
        return _process.ExitCode;
    }

    /// <summary>Everything the child printed on stdout so far, read or not, one line per line.</summary>
    public string Output => string.Join("\n", _output);

    public string StandardError => string.Join(Environment.NewLine, _errors);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
