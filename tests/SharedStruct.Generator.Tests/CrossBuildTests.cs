using System;
using System.IO;
using System.Linq;
using System.Reflection;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// Two programs built apart (tests/SharedStruct.CrossBuild.Service and .Sidecar), each declaring the segment's struct
/// in its own namespace, share it as real processes: the fingerprint follows the fields, not the C# names. And the
/// sidecar's next, different version of the struct is refused with the fields that differ named.
/// </summary>
public sealed class CrossBuildTests : IDisposable
{
    private static readonly string ServicePath = Child("CrossBuildService");
    private static readonly string SidecarPath = Child("CrossBuildSidecar");

    private readonly string _directory;

    public CrossBuildTests()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _directory = Path.Combine(root, "sst-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void A_struct_declared_in_another_namespace_by_another_program_reads_what_the_first_wrote()
    {
        SkipUnlessUnix();
        Assert.Equal("created", Run(ServicePath, "write", _directory, "3", "1234567890123", "all good"));
        Assert.Equal("3|1234567890123|all good|0.5,1.25", Run(SidecarPath, "read", _directory));

        // And the other way round: the service opens what it finds, and the sidecar sees the new values.
        Assert.Equal("opened", Run(ServicePath, "write", _directory, "4", "-1", "degraded"));
        Assert.Equal("4|-1|degraded|0.5,1.25", Run(SidecarPath, "read", _directory));
    }

    [Fact]
    public void A_struct_with_other_fields_from_another_program_is_refused_naming_them()
    {
        // The twin: sharing is by what the bytes mean, so a sidecar whose fields differ is still refused.
        SkipUnlessUnix();
        Assert.Equal("created", Run(ServicePath, "write", _directory, "3", "12", "ok"));
        string[] lines = Run(SidecarPath, "read-next", _directory).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal(
        [
            "the struct's size changed from 56 to 80 bytes",
            "'Beats' retyped from int64 (8 bytes) to decimal (16 bytes)",
            "'Note' resized from char[16] (32 bytes) to char[24] (48 bytes) and moved from offset 16 to 24",
            "'Uptime' added (int64 at offset 72)",
            "'Load.One' removed (was float32 at offset 48)",
            "'Load.Five' removed (was float32 at offset 52)",
            "stored: struct Service.Health size=56 kind=Sequential pack=0",
            "expected: struct Sidecar.Monitoring.HealthNext size=80 kind=Sequential pack=0",
        ], lines[..^1]);
        Assert.StartsWith("message: ", lines[^1], StringComparison.Ordinal);
        Assert.Contains("What differs, from the segment's layout to this program's: the struct's size changed from 56 to 80 bytes; 'Beats' retyped", lines[^1], StringComparison.Ordinal);
        Assert.Contains("(The segment was made for struct Service.Health, this program's is Sidecar.Monitoring.HealthNext.)", lines[^1], StringComparison.Ordinal);

        // The refused open changed nothing: the sidecar's matching struct still reads the service's values.
        Assert.Equal("3|12|ok|0.5,1.25", Run(SidecarPath, "read", _directory));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private static string Child(string key) => typeof(CrossBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    private static void SkipUnlessUnix()
    {
        if (OperatingSystem.IsWindows())
            Assert.Skip("The tests place segments in a per-test directory, a Unix-only option.");
    }

    /// <summary>Runs a child program to completion (a real process, killed if the test fails first); returns its stdout.</summary>
    private static string Run(string program, params string[] args)
    {
        using ChildProcess child = ChildProcess.StartProgram(program, args);
        // A generous bound so a hang fails the test instead of stopping the run.
        int exit = child.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"'{Path.GetFileName(program)} {string.Join(' ', args)}' exited with {exit}: {child.StandardError}");
        return child.Output.Trim();
    }
}
