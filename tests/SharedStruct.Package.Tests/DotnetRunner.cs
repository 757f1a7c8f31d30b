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

    public string Run(string directory, string file, string arguments)
    {
        (int exit, string output) = RunAllowingFailure(directory, file, arguments);
        Assert.True(exit == 0, $"'{file} {arguments}' in {directory} failed with {exit}:\n{output}");
        return output;
    }

    public (int Exit, string Output) RunAllowingFailure(string directory, string file, string arguments)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in _environment)
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
