using System;
using System.Linq;
using System.Threading.Tasks;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// The generated API used by real processes: a child app compiled with the generator as an analyzer (at C# 10) opens
/// the same segment from several processes. Each test gets its own segment directory under /dev/shm (the segment name
/// is fixed by the struct's attribute, so the directory is what makes it unique; see EndToEndChild), removed on Dispose.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly EndToEndChild _child = new();

    [Fact]
    public async Task WritesInOneProcessAreSeenInAnother()
    {
        EndToEndChild.SkipUnlessUnix();
        Assert.Equal("created", await _child.RunAsync("set", "42", "hello, world"));
        string seen = await _child.RunAsync("get");
        Assert.Equal("42|hello, world|0102030405060708090A0B0C0D0E0F10|1.5,-2.25|Busy|0|0", seen);

        Assert.Equal("opened", await _child.RunAsync("set", "-7", new string('x', 40)));
        // Note is a fixed char[32]: the string is truncated to 31 characters and NUL-terminated.
        Assert.StartsWith("-7|" + new string('x', 31) + "|", await _child.RunAsync("get"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedOpenRunsTheInitializerOnlyInTheCreatingProcess()
    {
        EndToEndChild.SkipUnlessUnix();
        Assert.Equal("created|ran", await _child.RunAsync("init", "42"));
        Assert.Equal("42||" + new string('0', 32) + "|0,0|Busy|0|0", await _child.RunAsync("get"));

        // The segment exists now: a second initializer is not run, and the first one's values stay.
        Assert.Equal("opened|skipped", await _child.RunAsync("init", "99"));
        Assert.StartsWith("42|", await _child.RunAsync("get"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("struct", "wrapper")]
    [InlineData("wrapper", "struct")]
    public async Task GeneratedCreateNewRunsItsInitializerAndASecondCreateNewFailsWithoutRunningIts(string creator, string latecomer)
    {
        EndToEndChild.SkipUnlessUnix();
        // Counter.CreateNew and CounterSegment.CreateNew, each as the creator and as the latecomer.
        Assert.Equal("created|ran", await _child.RunAsync("create", "42", creator));
        Assert.Equal("42||" + new string('0', 32) + "|0,0|Busy|0|0", await _child.RunAsync("get"));

        // Another process's CreateNew finds the segment there: the runtime's IOException, and its initializer never ran
        // (the same child reported "ran" above, so "skipped" is not a value it cannot help printing).
        string[] refused = (await _child.RunAsync("create", "99", latecomer)).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("refused System.IO.IOException|skipped", refused[0]);
        Assert.Contains("it already exists (mode CreateNew)", refused[1], StringComparison.Ordinal);
        Assert.Equal("42||" + new string('0', 32) + "|0,0|Busy|0|0", await _child.RunAsync("get"));
    }

    [Fact]
    public async Task LockedIncrementsAreExactUnderContention()
    {
        EndToEndChild.SkipUnlessUnix();
        const int perProcess = 100_000;
        const int processes = 3;
        string[] outputs = await Task.WhenAll(Enumerable.Range(0, processes)
            .Select(_ => _child.RunAsync("lock-inc", perProcess.ToString(), processes.ToString())));
        Assert.All(outputs, o => Assert.Equal("done", o));
        Assert.StartsWith($"{perProcess * processes}|", await _child.RunAsync("get"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtomicAddIsExactUnderContentionWithoutTheLock()
    {
        EndToEndChild.SkipUnlessUnix();
        const int perProcess = 200_000;
        const int processes = 3;
        string[] outputs = await Task.WhenAll(Enumerable.Range(0, processes)
            .Select(_ => _child.RunAsync("add", perProcess.ToString(), processes.ToString())));
        Assert.All(outputs, o => Assert.Equal("done", o));
        Assert.EndsWith($"|{perProcess * processes}", await _child.RunAsync("get"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCoreLibraryValueTypeIsSharedBetweenTwoProcesses()
    {
        EndToEndChild.SkipUnlessUnix();
        // One child writes a value of each type through the generated properties, another reads them back.
        Assert.Equal("created", await _child.RunAsync("core-set"));
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
            "same"), await _child.RunAsync("core-get"));
    }

    [Fact]
    public async Task GuardedPropertiesWorkAcrossProcesses()
    {
        EndToEndChild.SkipUnlessUnix();
        // Sequential processes each doing get-then-set through the guarded properties: every write lands.
        for (int i = 0; i < 3; i++)
            Assert.Equal("done", await _child.RunAsync("prop-inc", "1000"));
        string[] fields = (await _child.RunAsync("get")).Split('|');
        Assert.Equal("3000", fields[5]);
    }

    [Fact]
    public async Task UpdateAndReadHelpersChangeAndReadSeveralFieldsAtOnce()
    {
        EndToEndChild.SkipUnlessUnix();
        // One Update sets the note through the struct's SetNote, bumps Hits and fills Data through DataSpan.
        Assert.Equal("first|1|15|False", await _child.RunAsync("update", "first"));
        Assert.Equal("second|2|15|False", await _child.RunAsync("update", "second"));
        // Another process reads through the generated read-only view: typed getters and a Read from one snapshot.
        Assert.Equal("second|2|000306090C0F1215181B1E2124272A2D|second/2", await _child.RunAsync("view"));
    }

    [Fact]
    public async Task AnEightMebibyteFrameIsWrittenAndSnapshotByReferenceInChildProcesses()
    {
        EndToEndChild.SkipUnlessUnix();
        // Both children run on a 256 KiB stack: a by-value copy of the 8 MiB frame anywhere would overflow it.
        Assert.Equal("created", await _child.RunAsync("frame-write", "5"));
        Assert.Equal("5|ok|ok|ok", await _child.RunAsync("frame-read"));
        Assert.Equal("opened", await _child.RunAsync("frame-write", "6"));
        Assert.Equal("6|ok|ok|ok", await _child.RunAsync("frame-read"));
    }

    [Fact]
    public async Task TheFramesStackIsTooSmallForAByValueSnapshot()
    {
        EndToEndChild.SkipUnlessUnix();
        // The twin of the test above: the same stack, the by-value API the generator leaves out, and the child dies.
        Assert.Equal("created", await _child.RunAsync("frame-write", "1"));
        (int exit, string error) = await _child.RunToExitAsync("frame-by-value");
        Assert.NotEqual(0, exit);
        Assert.Contains("Stack overflow", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACrashAtomicStructOpensInItsDeclaredModeAndItsAtomicsTakeTheLock()
    {
        EndToEndChild.SkipUnlessUnix();
        // The attribute's RollbackOnCrash reaches the runtime, and concurrent locked AddA calls are exact.
        string[] results = await Task.WhenAll(_child.RunAsync("ledger-add", "2000"), _child.RunAsync("ledger-add", "2000"));
        Assert.All(results, r => Assert.Equal("rollback=True", r));
        Assert.Equal("4000|0", await _child.RunAsync("ledger-read"));
        // AddA on another thread waits for the lock this thread holds (a lock-free add would finish at once).
        Assert.Equal("waited=True result=4001", await _child.RunAsync("ledger-held"));
        Assert.Equal("4001|4000", await _child.RunAsync("ledger-read"));
        // A default-mode struct cannot be switched to the mode by options behind its attribute.
        Assert.StartsWith("refused These options set RollbackOnCrash", await _child.RunAsync("counter-rollback"), StringComparison.Ordinal);
    }

    public void Dispose() => _child.Dispose();
}
