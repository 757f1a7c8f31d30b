using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Text;
using Xunit;

namespace SharedStruct.Windows.Tests;

/// <summary>
/// One Windows process under Wine, driven line by line. The Linux process wine64 starts is the Windows process
/// itself (Wine rewrites its command line to the .exe's), so killing it with SIGKILL kills the Windows process.
/// </summary>
public sealed class WineChild : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _what;

    public WineChild(Process process, string what)
    {
        _process = process;
        _what = what;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                _lines.CompleteAdding();
            else
                _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_stderr)
                    _stderr.AppendLine(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The Linux process id (the Windows process id, inside Wine, is another number).</summary>
    public int LinuxPid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The next line the child prints; fails the test if none comes within <paramref name="timeout"/>.</summary>
    public string ReadLine(TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        try
        {
            if (_lines.TryTake(out string? line, limit))
                return line;
        }
        catch (InvalidOperationException)
        {
            // completed: the child closed its output
        }
        Assert.Fail(_lines.IsCompleted
            ? $"Child '{_what}' ended without answering.{Diagnostics()}"
            : $"Child '{_what}' did not answer within {limit.TotalSeconds} s.{Diagnostics()}");
        return null!;
    }

    /// <summary>True if a line arrived within <paramref name="wait"/> (it is consumed and returned).</summary>
    public bool TryReadLine(TimeSpan wait, out string? line) => _lines.TryTake(out line, wait);

    public void Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    public string Ask(string command, TimeSpan? timeout = null)
    {
        Send(command);
        return ReadLine(timeout);
    }

    /// <summary>Reads the "ready …" line that opening prints; fails with what the child said otherwise.</summary>
    public string ExpectReady(TimeSpan? timeout = null)
    {
        string line = ReadLine(timeout);
        Assert.True(line.StartsWith("ready ", StringComparison.Ordinal), $"Child '{_what}' did not open the segment: {line}{Diagnostics()}");
        return line;
    }

    /// <summary>SIGKILL, then waits until the process is gone (reaped), so nothing of it can still release a lock.</summary>
    public void KillHard()
    {
        int pid = _process.Id;
        _process.Kill(); // SIGKILL on Unix
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), $"Child '{_what}' (pid {pid}) survived SIGKILL.");
        Assert.False(Directory.Exists("/proc/" + pid) && IsStillSameProcess(pid), $"Child '{_what}' (pid {pid}) still exists after SIGKILL.");
    }

    private bool IsStillSameProcess(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("SharedStruct.Scenarios.exe", StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public void WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            Assert.Fail($"Child '{_what}' did not exit within {timeout.TotalSeconds} s.{Diagnostics()}");
        DrainOutput();
    }

    /// <summary>
    /// Waits (briefly) for the output events of an exited child. Never Process.WaitForExit() without a timeout: it waits
    /// for end-of-file on stdout, and Wine service processes the child started (services.exe, winedevice.exe, ...)
    /// inherit that pipe and outlive it, so end-of-file may never come.
    /// </summary>
    private void DrainOutput()
    {
        var deadline = Stopwatch.StartNew();
        while (!_lines.IsAddingCompleted && deadline.Elapsed < TimeSpan.FromSeconds(2))
            System.Threading.Thread.Sleep(10);
    }

    /// <summary>Asks the child to exit and waits for it.</summary>
    public void Exit()
    {
        if (_process.HasExited)
            return;
        Send("exit");
        WaitForExit(TimeSpan.FromSeconds(30));
    }

    public string Diagnostics()
    {
        string stderr;
        lock (_stderr)
            stderr = _stderr.ToString().Trim();
        return stderr.Length == 0 ? string.Empty : $" Its stderr: {stderr}";
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        _process.Dispose();
    }
}
