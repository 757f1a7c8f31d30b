using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace SharedStruct.Benchmarks.Watching;

/// <summary>
/// A child process running this same program with a worker verb. The child's stdin is its lifeline: a child that
/// reads end-of-file (the parent died or disposed it) exits, so no child outlives a failed run.
/// </summary>
internal sealed class BenchChild : IDisposable
{
    /// <summary>Set by the program for the BenchmarkDotNet processes, which run from another folder: the program to start.</summary>
    public const string AppVariable = "SHAREDSTRUCT_BENCH_APP";

    private readonly Process _process;

    private BenchChild(Process process) => _process = process;

    public int Id => _process.Id;

    public static BenchChild Start(params string[] arguments)
    {
        string app = Environment.GetEnvironmentVariable(AppVariable) ?? typeof(BenchChild).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Fully optimised code from the first round: a short run would otherwise measure tier-0 code.
        info.Environment["DOTNET_TieredCompilation"] = "0";
        // No diagnostics IPC: a killed child would otherwise leave its socket behind in the temp folder.
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.ArgumentList.Add(app);
        foreach (string a in arguments)
            info.ArgumentList.Add(a);
        return new BenchChild(Process.Start(info) ?? throw new InvalidOperationException("could not start a child process"));
    }

    /// <summary>Starts <paramref name="count"/> children; if one fails to start, the ones started are disposed.</summary>
    public static List<BenchChild> StartMany(int count, params string[] arguments)
    {
        var children = new List<BenchChild>();
        try
        {
            for (int i = 0; i < count; i++)
                children.Add(Start(arguments));
            return children;
        }
        catch
        {
            DisposeAll(children);
            throw;
        }
    }

    public void Send(string line) => _process.StandardInput.WriteLine(line);

    public string? ReadLine(TimeSpan timeout)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        return read.Wait(timeout) ? read.Result : null;
    }

    /// <summary>Reads the next line and checks that it starts with <paramref name="prefix"/>.</summary>
    public string Expect(string prefix, TimeSpan timeout)
    {
        string? line = ReadLine(timeout);
        if (line is null || !line.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"child {Id} said '{line ?? "(nothing)"}' instead of '{prefix}...'");
        return line;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(30_000);
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        _process.Dispose();
    }

    public static void DisposeAll(List<BenchChild> children)
    {
        foreach (BenchChild c in children)
            c.Dispose();
        children.Clear();
    }

    /// <summary>The child side of the lifeline: exits the process when the parent's end of stdin closes.</summary>
    public static void ExitWhenParentGoes()
    {
        var thread = new Thread(static () =>
        {
            while (Console.In.ReadLine() is not null)
            {
            }
            Environment.Exit(0);
        }) { IsBackground = true, Name = "lifeline" };
        thread.Start();
    }
}
