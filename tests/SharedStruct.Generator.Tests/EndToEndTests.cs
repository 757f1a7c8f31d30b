using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// The generated API used by real processes: a child app compiled with the generator as an analyzer (at C# 10) opens
/// the same segment from several processes. Each test gets its own segment directory under /dev/shm (the segment name
/// is fixed by the struct's attribute, so the directory is what makes it unique), removed in finally.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private static readonly string ChildPath = typeof(EndToEndTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EndToEndChild").Value!;

    private readonly string _directory;

    public EndToEndTests()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _directory = Path.Combine(root, "sst-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task WritesInOneProcessAreSeenInAnother()
    {
        SkipUnlessUnix();
        Assert.Equal("created", await RunAsync("set", _directory, "42", "hello, world"));
        string seen = await RunAsync("get", _directory);
        Assert.Equal("42|hello, world|0102030405060708090A0B0C0D0E0F10|1.5,-2.25|Busy|0|0", seen);

        Assert.Equal("opened", await RunAsync("set", _directory, "-7", new string('x', 40)));
        // Note is a fixed char[32]: the string is truncated to 31 characters and NUL-terminated.
        Assert.StartsWith("-7|" + new string('x', 31) + "|", await RunAsync("get", _directory), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedOpenRunsTheInitializerOnlyInTheCreatingProcess()
    {
        SkipUnlessUnix();
        Assert.Equal("created|ran", await RunAsync("init", _directory, "42"));
        Assert.Equal("42||" + new string('0', 32) + "|0,0|Busy|0|0", await RunAsync("get", _directory));

        // The segment exists now: a second initializer is not run, and the first one's values stay.
        Assert.Equal("opened|skipped", await RunAsync("init", _directory, "99"));
        Assert.StartsWith("42|", await RunAsync("get", _directory), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("struct", "wrapper")]
    [InlineData("wrapper", "struct")]
    public async Task GeneratedCreateNewRunsItsInitializerAndASecondCreateNewFailsWithoutRunningIts(string creator, string latecomer)
    {
        SkipUnlessUnix();
        // Counter.CreateNew and CounterSegment.CreateNew, each as the creator and as the latecomer.
        Assert.Equal("created|ran", await RunAsync("create", _directory, "42", creator));
        Assert.Equal("42||" + new string('0', 32) + "|0,0|Busy|0|0", await RunAsync("get", _directory));

        // Another process's CreateNew finds the segment there: the runtime's IOException, and its initializer never ran
        // (the same child reported "ran" above, so "skipped" is not a value it cannot help printing).
        string[] refused = (await RunAsync("create", _directory, "99", latecomer)).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("refused System.IO.IOException|skipped", refused[0]);
        Assert.Contains("it already exists (mode CreateNew)", refused[1], StringComparison.Ordinal);
        Assert.Equal("42||" + new string('0', 32) + "|0,0|Busy|0|0", await RunAsync("get", _directory));
    }

    [Fact]
    public async Task LockedIncrementsAreExactUnderContention()
    {
        SkipUnlessUnix();
        const int perProcess = 100_000;
        const int processes = 3;
        string[] outputs = await Task.WhenAll(Enumerable.Range(0, processes)
            .Select(_ => RunAsync("lock-inc", _directory, perProcess.ToString(), processes.ToString())));
        Assert.All(outputs, o => Assert.Equal("done", o));
        Assert.StartsWith($"{perProcess * processes}|", await RunAsync("get", _directory), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtomicAddIsExactUnderContentionWithoutTheLock()
    {
        SkipUnlessUnix();
        const int perProcess = 200_000;
        const int processes = 3;
        string[] outputs = await Task.WhenAll(Enumerable.Range(0, processes)
            .Select(_ => RunAsync("add", _directory, perProcess.ToString(), processes.ToString())));
        Assert.All(outputs, o => Assert.Equal("done", o));
        Assert.EndsWith($"|{perProcess * processes}", await RunAsync("get", _directory), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCoreLibraryValueTypeIsSharedBetweenTwoProcesses()
    {
        SkipUnlessUnix();
        // One child writes a value of each type through the generated properties, another reads them back.
        Assert.Equal("created", await RunAsync("core-set", _directory));
        Assert.Equal(string.Join("|",
            "1",
            "2024-05-17T13:45:30.1230000Z/Utc",
            "2",
            "1.01:01:01.0010000",
            "2024-02-29",
            "23:59:58.999",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "0.5",
            "170141183460469231731687303715884105722",
            "3",
            "340282366920938463463374607431768211455",
            "1.5,-2",
            "<1, 2>",
            "<3, 4, 5>",
            "<6, 7, 8, 9>",
            "1,0.125",
            "<10, 20, 30>",
            "7",
            "null",
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "same"), await RunAsync("core-get", _directory));
    }

    [Fact]
    public async Task GuardedPropertiesWorkAcrossProcesses()
    {
        SkipUnlessUnix();
        // Sequential processes each doing get-then-set through the guarded properties: every write lands.
        for (int i = 0; i < 3; i++)
            Assert.Equal("done", await RunAsync("prop-inc", _directory, "1000"));
        string[] fields = (await RunAsync("get", _directory)).Split('|');
        Assert.Equal("3000", fields[5]);
    }

    [Fact]
    public async Task UpdateAndReadHelpersChangeAndReadSeveralFieldsAtOnce()
    {
        SkipUnlessUnix();
        // One Update sets the note through the struct's SetNote, bumps Hits and fills Data through DataSpan.
        Assert.Equal("first|1|15|False", await RunAsync("update", _directory, "first"));
        Assert.Equal("second|2|15|False", await RunAsync("update", _directory, "second"));
        // Another process reads through the generated read-only view: typed getters and a Read from one snapshot.
        Assert.Equal("second|2|000306090C0F1215181B1E2124272A2D|second/2", await RunAsync("view", _directory));
    }

    [Fact]
    public async Task AnEightMebibyteFrameIsWrittenAndSnapshotByReferenceInChildProcesses()
    {
        SkipUnlessUnix();
        // Both children run on a 256 KiB stack: a by-value copy of the 8 MiB frame anywhere would overflow it.
        Assert.Equal("created", await RunAsync("frame-write", _directory, "5"));
        Assert.Equal("5|ok|ok|ok", await RunAsync("frame-read", _directory));
        Assert.Equal("opened", await RunAsync("frame-write", _directory, "6"));
        Assert.Equal("6|ok|ok|ok", await RunAsync("frame-read", _directory));
    }

    [Fact]
    public async Task TheFramesStackIsTooSmallForAByValueSnapshot()
    {
        SkipUnlessUnix();
        // The twin of the test above: the same stack, the by-value API the generator leaves out, and the child dies.
        Assert.Equal("created", await RunAsync("frame-write", _directory, "1"));
        (int exit, string error) = await RunToExitAsync("frame-by-value", _directory);
        Assert.NotEqual(0, exit);
        Assert.Contains("Stack overflow", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACrashAtomicStructOpensInItsDeclaredModeAndItsAtomicsTakeTheLock()
    {
        SkipUnlessUnix();
        // The attribute's RollbackOnCrash reaches the runtime, and concurrent locked AddA calls are exact.
        string[] results = await Task.WhenAll(RunAsync("ledger-add", _directory, "2000"), RunAsync("ledger-add", _directory, "2000"));
        Assert.All(results, r => Assert.Equal("rollback=True", r));
        Assert.Equal("4000|0", await RunAsync("ledger-read", _directory));
        // AddA on another thread waits for the lock this thread holds (a lock-free add would finish at once).
        Assert.Equal("waited=True result=4001", await RunAsync("ledger-held", _directory));
        Assert.Equal("4001|4000", await RunAsync("ledger-read", _directory));
        // A default-mode struct cannot be switched to the mode by options behind its attribute.
        Assert.StartsWith("refused These options set RollbackOnCrash", await RunAsync("counter-rollback", _directory), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private static void SkipUnlessUnix()
    {
        if (OperatingSystem.IsWindows())
            Assert.Skip("The tests place segments in a per-test directory, a Unix-only option.");
    }

    /// <summary>Runs the child to completion (a real process, killed if the test fails first) and returns its stdout.</summary>
    /// <remarks>A dedicated thread, not a pool thread: the child's output events are delivered on pool threads.</remarks>
    private static Task<(int Exit, string Error)> RunToExitAsync(params string[] args) => Task.Factory.StartNew(() =>
    {
        using ChildProcess child = ChildProcess.StartProgram(ChildPath, args);
        int exit = child.WaitForExit(TimeSpan.FromMinutes(3));
        return (exit, child.StandardError);
    }, TaskCreationOptions.LongRunning);

    private static Task<string> RunAsync(params string[] args) => Task.Factory.StartNew(() =>
    {
        using ChildProcess child = ChildProcess.StartProgram(ChildPath, args);
        // A generous bound so a deadlock fails the test instead of hanging the run.
        int exit = child.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"Child '{string.Join(' ', args)}' exited with {exit}: {child.StandardError}");
        return child.Output.Trim();
    }, TaskCreationOptions.LongRunning);
}
