using System;
using System.Threading.Tasks;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// Change notification through generated lock-free writes, in real processes: a read-only watcher in one process, a
/// generated <c>AddAtomic</c>, <c>ExchangeAtomic</c> or <c>CompareExchangeAtomic</c> in another. A lock-free write moves
/// the version only when it tells watchers, so a generated method that forgot to would leave the watcher asleep until
/// its timeout (the silent twin shows exactly that); a compare-exchange that did not exchange changed nothing and must
/// not wake anyone (its twin, on the same wait, is one that does exchange).
/// </summary>
public sealed class GeneratedWatchTests : IDisposable
{
    private static readonly TimeSpan ChildBound = TimeSpan.FromSeconds(60);

    private readonly EndToEndChild _child = new();

    [Fact]
    public async Task AGeneratedAtomicAddWakesAWatcherInAnotherProcess()
    {
        EndToEndChild.SkipUnlessUnix();
        Assert.Equal("changed atomic=1", await WatchWhileAsync("30000", ["watch-add"]));
    }

    [Fact]
    public async Task TheSameIncrementWithoutTellingWatchersLeavesTheWatcherToItsTimeout()
    {
        EndToEndChild.SkipUnlessUnix();
        // The value changed, but nothing said so: the version stood still and the wait ran out.
        Assert.Equal("timeout atomic=1", await WatchWhileAsync("1500", ["watch-add-silent"]));
    }

    [Fact]
    public async Task AGeneratedExchangeWakesAWatcherInAnotherProcess()
    {
        EndToEndChild.SkipUnlessUnix();
        Assert.Equal("changed atomic=5", await WatchWhileAsync("30000", ["watch-exchange", "5"], "original=0"));
    }

    [Fact]
    public async Task AGeneratedCompareExchangeWakesAWatcherOnlyWhenItExchanges()
    {
        EndToEndChild.SkipUnlessUnix();
        await _child.RunAsync("set", "1", "x"); // creates the segment (Atomic stays 0)
        using ChildProcess watcher = _child.Start("watch-atomic", "30000");
        watcher.Expect("ready", ChildBound);

        // The field is 0, not 123: nothing is exchanged, so the version must stand still and the watcher sleep on. One
        // that was woken would print its verdict at once ("changed atomic=0"), here or as the line read below.
        Assert.Equal("original=0", await _child.RunAsync("watch-cas", "9", "123"));
        string? early = null;
        try
        {
            early = watcher.ReadLine(TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            // no verdict: still asleep, as it should be
        }
        Assert.True(early is null, $"the compare-exchange that did not exchange woke the watcher: '{early}'");

        // Twin, on the same wait: with the right comparand it exchanges, and that wakes the watcher.
        Assert.Equal("original=0", await _child.RunAsync("watch-cas", "9", "0"));
        Assert.Equal("changed atomic=9", watcher.ReadLine(ChildBound));
        Assert.Equal(0, watcher.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task AGeneratedAtomicAddOnADisposedSegmentSaysSo()
    {
        EndToEndChild.SkipUnlessUnix();
        await _child.RunAsync("set", "1", "x");
        // The notice is taken before the payload reference, which is what checks for disposal.
        Assert.Equal("System.ObjectDisposedException", await _child.RunAsync("watch-add-disposed"));
    }

    public void Dispose() => _child.Dispose();

    /// <summary>
    /// Creates the segment, starts a registered watcher that waits once for up to <paramref name="waitMs"/>, runs the
    /// <paramref name="write"/> command in another process (checking what it printed), and returns the watcher's
    /// verdict: "changed atomic=N" or "timeout atomic=N".
    /// </summary>
    private async Task<string> WatchWhileAsync(string waitMs, string[] write, string writeOutput = "")
    {
        await _child.RunAsync("set", "1", "x"); // creates the segment (Atomic stays 0)
        using ChildProcess watcher = _child.Start("watch-atomic", waitMs);
        watcher.Expect("ready", ChildBound);
        Assert.Equal(writeOutput, await _child.RunAsync(write[0], write[1..]));
        string verdict = watcher.ReadLine(ChildBound);
        Assert.Equal(0, watcher.WaitForExit(TimeSpan.FromSeconds(30)));
        return verdict;
    }
}
