using System;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// The generated <c>Lock(TimeSpan, CancellationToken)</c> and <c>TryLock(TimeSpan, out guard, CancellationToken)</c>
/// in real processes: one child holds the lock, another waits for it with a 30 s timeout and a token cancelled after
/// 300 ms, and must give up with <see cref="OperationCanceledException"/> soon after the cancellation. The twin runs the
/// same wait with a token nobody cancels: it lasts its whole timeout, so the early end above is the cancellation's doing.
/// </summary>
public sealed class EndToEndCancellationTests : IDisposable
{
    private static readonly TimeSpan ChildBound = TimeSpan.FromSeconds(60);
    /// <summary>How soon after the Cancel call the wait must have ended: generous, for a loaded 2-core machine (the goal is a few milliseconds).</summary>
    private const int CancelBoundMs = 2000;

    private readonly EndToEndChild _child = new();

    [Theory]
    [InlineData("lock")]
    [InlineData("trylock")]
    public async Task AGeneratedLockWaitBehindAHolderInAnotherProcessEndsSoonAfterCancellation(string how)
    {
        EndToEndChild.SkipUnlessUnix();
        string outcome = await WaitBehindHolderAsync(how, cancelAfterMs: "300", timeoutMs: "30000");
        Match cancelled = Regex.Match(outcome, @"^cancelled since-cancel-ms=(?<since>\d+) waited-ms=\d+$");
        Assert.True(cancelled.Success, $"expected a cancelled wait, got '{outcome}'");
        int sinceCancel = int.Parse(cancelled.Groups["since"].Value, CultureInfo.InvariantCulture);
        Assert.True(sinceCancel <= CancelBoundMs, $"the wait ended {sinceCancel} ms after the Cancel call");
    }

    [Theory]
    [InlineData("lock")]
    [InlineData("trylock")]
    public async Task TwinWithoutCancellationTheSameWaitLastsItsWholeTimeout(string how)
    {
        EndToEndChild.SkipUnlessUnix();
        // Lock throws TimeoutException and TryLock returns false: the child prints "timeout" for both.
        string outcome = await WaitBehindHolderAsync(how, cancelAfterMs: "0", timeoutMs: "1500");
        Match timedOut = Regex.Match(outcome, @"^timeout waited-ms=(?<waited>\d+)$");
        Assert.True(timedOut.Success, $"expected a timed-out wait, got '{outcome}'");
        Assert.True(int.Parse(timedOut.Groups["waited"].Value, CultureInfo.InvariantCulture) >= 1400, outcome);
    }

    public void Dispose() => _child.Dispose();

    /// <summary>Runs the generated lock wait (<paramref name="how"/>: lock or trylock) in a child while another child holds the lock; returns what the waiter printed.</summary>
    private async Task<string> WaitBehindHolderAsync(string how, string cancelAfterMs, string timeoutMs)
    {
        await _child.RunAsync("set", "1", "x"); // creates the segment
        using ChildProcess holder = _child.Start("cancel-hold");
        holder.Expect("locked", ChildBound);
        string outcome = await _child.RunAsync("cancel-lock", how, cancelAfterMs, timeoutMs);
        holder.Send("go");
        Assert.Equal("released", holder.ReadLine(ChildBound));
        Assert.Equal(0, holder.WaitForExit(TimeSpan.FromSeconds(30)));
        return outcome;
    }
}
