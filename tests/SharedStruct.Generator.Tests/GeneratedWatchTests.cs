using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// Change notification through generated lock-free writes, in real processes: a read-only watcher in one process, a
/// generated <c>AddAtomic</c> in another. A lock-free write moves the version only when it tells watchers, so a generated
/// method that forgot to would leave the watcher asleep until its timeout (the silent twin shows exactly that).
/// </summary>
public sealed class GeneratedWatchTests : IDisposable
{
    private static readonly string ChildPath = typeof(GeneratedWatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EndToEndChild").Value!;

    private readonly string _directory;

    public GeneratedWatchTests()
    {
        _directory = Path.Combine("/dev/shm", "sst-test-" + Guid.NewGuid().ToString("N")[..8]);
        if (OperatingSystem.IsWindows() || !Directory.Exists("/dev/shm"))
            return;
        Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task AGeneratedAtomicAddWakesAWatcherInAnotherProcess()
    {
        SkipUnlessUnix();
        await RunAsync("set", _directory, "1", "x"); // creates the segment
        using ChildProcess watcher = ChildProcess.StartProgram(ChildPath, ["watch-atomic", _directory, "30000"]);
        watcher.Expect("ready", TimeSpan.FromSeconds(60));
        await RunAsync("watch-add", _directory);
        Assert.Equal("changed atomic=1", watcher.ReadLine(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, watcher.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task TheSameIncrementWithoutTellingWatchersLeavesTheWatcherToItsTimeout()
    {
        SkipUnlessUnix();
        await RunAsync("set", _directory, "1", "x");
        using ChildProcess watcher = ChildProcess.StartProgram(ChildPath, ["watch-atomic", _directory, "1500"]);
        watcher.Expect("ready", TimeSpan.FromSeconds(60));
        await RunAsync("watch-add-silent", _directory);
        // The value changed, but nothing said so: the version stood still and the wait ran out.
        Assert.Equal("timeout atomic=1", watcher.ReadLine(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, watcher.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task AGeneratedAtomicAddOnADisposedSegmentSaysSo()
    {
        SkipUnlessUnix();
        await RunAsync("set", _directory, "1", "x");
        // The notice is taken before the payload reference, which is what checks for disposal.
        Assert.Equal("System.ObjectDisposedException", await RunAsync("watch-add-disposed", _directory));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private static void SkipUnlessUnix()
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists("/dev/shm"))
            Assert.Skip("The tests place segments in a per-test directory under /dev/shm, a Linux-only place.");
    }

    private static Task<string> RunAsync(params string[] args) => Task.Factory.StartNew(() =>
    {
        using ChildProcess child = ChildProcess.StartProgram(ChildPath, args);
        int exit = child.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"Child '{string.Join(' ', args)}' exited with {exit}: {child.StandardError}");
        return child.Output.Trim();
    }, TaskCreationOptions.LongRunning);
}
