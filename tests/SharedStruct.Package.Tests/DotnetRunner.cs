using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Runs the dotnet CLI (and what it installs) the way a user's shell would, but with everything it writes kept inside
/// one folder: its temporary files, its NuGet package cache, its tools.
/// </summary>
public sealed class DotnetRunner
{
    private readonly Dictionary<string, string> _environment;

    public DotnetRunner(string temporaryFolder, string packageCache)
    {
        _environment = new Dictionary<string, string>
        {
            ["TMPDIR"] = Directory.CreateDirectory(temporaryFolder).FullName,
            // A private cache: this run's packages never reach the user's, and the user's never stand in for them.
            ["NUGET_PACKAGES"] = Directory.CreateDirectory(packageCache).FullName,
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1",
            ["UseSharedCompilation"] = "false", // no compiler server outliving the test
            ["DOTNET_EnableDiagnostics"] = "0",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
    }

    public string Run(string directory, string file, string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        (int exit, string output) = RunAllowingFailure(directory, file, arguments, environment);
        Assert.True(exit == 0, $"'{file} {arguments}' in {directory} failed with {exit}:\n{output}");
        return output;
    }

    public (int Exit, string Output) RunAllowingFailure(string directory, string file, string arguments, IReadOnlyDictionary<string, string>? environment = null)
        => RunAllowingFailure(new ProcessStartInfo(file, arguments), directory, environment);

    /// <summary>Runs <paramref name="file"/> with each argument passed as is (no quoting rules in between).</summary>
    public (int Exit, string Output) RunAllowingFailure(string directory, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
        => RunAllowingFailure(new ProcessStartInfo(file, arguments), directory, environment);

    private (int Exit, string Output) RunAllowingFailure(ProcessStartInfo info, string directory, IReadOnlyDictionary<string, string>? environment)
    {
        string file = info.FileName;
        string arguments = info.ArgumentList.Count > 0 ? string.Join(" ", info.ArgumentList) : info.Arguments;
        info.WorkingDirectory = directory;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach ((string name, string value) in _environment)
            info.Environment[name] = value;
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {arguments}' did not finish in 5 minutes:\n{output}");
        }
        // Output events may trail the exit by a moment; do not wait for end-of-file (a server process could hold it).
        Thread.Sleep(200);
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
