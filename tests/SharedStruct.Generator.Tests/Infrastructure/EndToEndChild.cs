using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// The generator's end-to-end child app (tests/SharedStruct.Generator.EndToEnd.Child) run against a segment directory
/// of one test's own under /dev/shm (the segment name is fixed by the struct's attribute, so the directory is what
/// keeps tests apart), removed with everything in it on Dispose.
/// </summary>
internal sealed class EndToEndChild : IDisposable
{
    private static readonly string ChildPath = typeof(EndToEndChild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EndToEndChild").Value!;

    public EndToEndChild()
    {
        SegmentDirectory = Path.Combine("/dev/shm", "sst-test-" + Guid.NewGuid().ToString("N")[..8]);
        if (OperatingSystem.IsWindows() || !Directory.Exists("/dev/shm"))
            return;
        Directory.CreateDirectory(SegmentDirectory);
        File.SetUnixFileMode(SegmentDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The segment directory every command of this test is given.</summary>
    public string SegmentDirectory { get; }

    /// <summary>Skips the calling test where there is no /dev/shm.</summary>
    public static void SkipUnlessUnix()
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists("/dev/shm"))
            Assert.Skip("The tests place segments in a per-test directory under /dev/shm, a Linux-only place.");
    }

    /// <summary>Starts <c>command directory arguments…</c> and leaves it running (killed on Dispose if still alive).</summary>
    public ChildProcess Start(string command, params string[] arguments) =>
        ChildProcess.StartProgram(ChildPath, [command, SegmentDirectory, .. arguments]);

    /// <summary>Runs <c>command directory arguments…</c> to a zero exit and returns its stdout.</summary>
    /// <remarks>A dedicated thread, not a pool thread: the child's output events are delivered on pool threads.</remarks>
    public Task<string> RunAsync(string command, params string[] arguments) => Task.Factory.StartNew(() =>
    {
        using ChildProcess child = Start(command, arguments);
        // A generous bound so a deadlock fails the test instead of hanging the run.
        int exit = child.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"Child '{command} {string.Join(' ', arguments)}' exited with {exit}: {child.StandardError}");
        return child.Output.Trim();
    }, TaskCreationOptions.LongRunning);

    /// <summary>Runs <c>command directory arguments…</c> to its exit, whatever its code (for a child expected to die), and returns the code and its stderr.</summary>
    public Task<(int Exit, string Error)> RunToExitAsync(string command, params string[] arguments) => Task.Factory.StartNew(() =>
    {
        using ChildProcess child = Start(command, arguments);
        int exit = child.WaitForExit(TimeSpan.FromMinutes(3));
        return (exit, child.StandardError);
    }, TaskCreationOptions.LongRunning);

    public void Dispose()
    {
        if (Directory.Exists(SegmentDirectory))
            Directory.Delete(SegmentDirectory, recursive: true);
    }
}
