using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Change notification between real processes: watchers in every mode see the last change, none is stranded by a
/// writer killed mid-write, a killed watcher stops costing writers, waits (and lock waits) end soon after cancellation,
/// and a stream that falls behind skips to the latest value.
/// </summary>
[Collection(ProcessCollection.Name)]
public class ChangeWatchTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Watchers_in_other_processes_each_see_the_final_value_of_a_writer_in_another(bool lockFree)
    {
        const int Changes = 3000;
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        var watchers = new List<ChildProcess>();
        try
        {
            foreach (string mode in new[] { "rw", "ro", "rw-async", "ro-async", "stream" })
            {
                // No safety poll: a lost wake-up would leave the watcher asleep until its 30 s timeout and fail the test.
                var watcher = ChildProcess.Start(["watch", t.Name, Changes.ToString(), mode, "--no-safety-poll"]);
                watchers.Add(watcher);
                watcher.Expect("ready");
            }
            // The stream registers at its first wait, just after it printed its first value.
            WaitUntil(() => Info(t).Watchers == 5, "five registered watchers");
            using var writer = ChildProcess.Start(["bump", t.Name, Changes.ToString(), lockFree ? "lockfree" : "locked"]);
            writer.Expect("ready");
            writer.Send("go");
            Assert.Equal("done", writer.ReadLine(Long));
            foreach (ChildProcess watcher in watchers)
            {
                Assert.StartsWith($"final value={Changes} ", watcher.ReadLine(Long));
                Assert.Equal(0, watcher.WaitForExit());
            }

            // One that starts after the last change sees it at once.
            using var late = ChildProcess.Start(["watch", t.Name, Changes.ToString(), "ro"]);
            late.Expect("ready");
            Assert.StartsWith($"final value={Changes} ", late.ReadLine(Long));
            Assert.Equal(0, late.WaitForExit());
            Assert.Equal(0, Info(t).Watchers); // each left the count when it closed
        }
        finally
        {
            foreach (ChildProcess watcher in watchers)
                watcher.Dispose();
        }
    }

    [Theory]
    [InlineData("sync", 2000, "disposed")]
    [InlineData("async", 2000, "disposed")]
    [InlineData("cancel", 5000, "cancelled")]
    public void A_change_wait_just_starting_on_another_thread_ends_at_its_disposal_or_cancellation(string mode, int rounds, string outcome)
    {
        // Each round disposes the view (or cancels the wait) at a random moment around the waiter's last look before it
        // sleeps, with no safety poll to end a sleep on its own. Before the interrupt moved the change word, its wake
        // could land before such a waiter slept: the async dispatcher then slept for good and Dispose waited for it for
        // good (hung within 300 rounds in each of three runs), and a cancelled sync wait slept on (stuck in 2 of 3 runs
        // of 5,000 rounds). A sync waiter could also meet a lock word cleared under it (NullReferenceException).
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var child = ChildProcess.Start(["dispose-waiting", t.Name, rounds.ToString(), mode, "--no-safety-poll"]);
        Assert.Equal($"{outcome} {rounds}", child.ReadLine(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, child.WaitForExit());
    }

    [Fact]
    public void Twin_watchers_without_a_safety_poll_do_notice_a_writer_that_never_wakes_them()
    {
        // Proves the test above can fail: lock-free writes that skip the notification leave such watchers asleep.
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var watcher = ChildProcess.Start(["watch", t.Name, "50", "rw", "500", "--no-safety-poll"]);
        watcher.Expect("ready");
        using var writer = ChildProcess.Start(["bump", t.Name, "50", "silent"]);
        writer.Expect("ready");
        writer.Send("go");
        Assert.Equal("done", writer.ReadLine(Long));
        Assert.Equal("timeout value=0", watcher.ReadLine(Long));
    }

    [Fact]
    public void The_version_moves_at_each_release_not_while_a_guard_is_held_and_a_wait_ends_at_once_or_times_out()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        ulong before = seg.Version;
        Assert.Equal(before, view.Version);
        Assert.False(seg.WaitForChange(before, TimeSpan.FromMilliseconds(20)), "nothing changed, yet the wait said it did");
        Assert.False(view.WaitForChange(before, TimeSpan.Zero));
        using (var g = seg.Lock(Second))
        {
            g.Value.Value = 1;
            Assert.Equal(before, view.Version); // the write in progress is not visible, and neither is its version
        }
        ulong after = view.Version;
        Assert.NotEqual(before, after);
        Assert.True(view.WaitForChange(before, Long)); // already differs: true at once
        TestPayload copy = view.Read(Second, out ulong shown, out bool torn);
        Assert.Equal((1L, after, false), (copy.Value, shown, torn));

        // Lock-free writes move the version while someone watches (the view registered with its first wait above).
        Interlocked.Increment(ref seg.GetUnsynchronizedReference().Value);
        seg.NoteLockFreeWrite();
        Assert.NotEqual(after, view.Version);
    }

    [Fact]
    public void A_lock_free_write_while_nobody_watches_costs_the_writer_nothing_and_leaves_the_version()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        ulong before = seg.Version;
        Interlocked.Increment(ref seg.GetUnsynchronizedReference().Value);
        seg.NoteLockFreeWrite();
        Assert.Equal(before, seg.Version);
        Assert.Equal(0, Info(t).Watchers);
        // Twin: the same write with a watcher registered does move it.
        Assert.False(seg.WaitForChange(before, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(1, Info(t).Watchers);
        Interlocked.Increment(ref seg.GetUnsynchronizedReference().Value);
        seg.NoteLockFreeWrite();
        Assert.NotEqual(before, seg.Version);
    }

    [Fact]
    public async Task Waits_and_lock_waits_end_on_cancellation_within_moments_not_at_their_timeout()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        ulong version = view.Version;

        // Each wait has a 30 s timeout and must end within 2 s of the Cancel call (the goal is a few milliseconds).
        AssertCancelledSoon(await CancelDuring(token => view.WaitForChangeAsync(version, Long, token).AsTask()));
        AssertCancelledSoon(await CancelDuring(token => Blocking(() => seg.WaitForChange(version, Long, token))));
        AssertCancelledSoon(await CancelDuring(token => Blocking(() => view.WaitForChange(version, Long, token))));
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => view.WaitForChange(version, Long, cancelled.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await view.WaitForChangeAsync(version, Long, cancelled.Token));
        }

        // A timed-out async wait says false; a change completes a pending one with true.
        Assert.False(await view.WaitForChangeAsync(version, TimeSpan.FromMilliseconds(20)));
        ValueTask<bool> changed = view.WaitForChangeAsync(version, Long);
        using (var g = seg.Lock(Second))
            g.Value.Value = 5;
        Assert.True(await changed);

        // A lock wait behind a live holder in another process: cancelled, not timed out.
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");
        AssertCancelledSoon(await CancelDuring(token => Blocking(() => { using var g = seg.Lock(Long, token); })));
        AssertCancelledSoon(await CancelDuring(token => Blocking(() => seg.TryLock(Long, out _, token))));
        holder.Send("go");
        Assert.Equal("released", holder.ReadLine());
    }

    [Fact]
    public async Task Twin_a_wait_that_is_not_given_the_token_runs_past_the_bound_on_the_same_clock()
    {
        // Proves the bound above can fail: the clock starts at the Cancel call, and a wait that does not see the
        // cancellation ends at its own timeout (4 s, about 3.7 s after the Cancel), well past 2 s.
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");
        (Exception? error, TimeSpan sinceCancel) = await CancelDuring(notPassed => Blocking(() => seg.TryLock(TimeSpan.FromSeconds(4), out _)));
        Assert.Null(error); // TryLock timed out with false
        Assert.True(sinceCancel > CancelBound, $"ended {sinceCancel.TotalMilliseconds:F0} ms after the Cancel");
        holder.Send("go");
        Assert.Equal("released", holder.ReadLine());
    }

    /// <summary>How soon after the Cancel call a cancelled wait must have ended: generous, for a loaded 2-core machine.</summary>
    private static readonly TimeSpan CancelBound = TimeSpan.FromSeconds(2);

    private static void AssertCancelledSoon((Exception? Error, TimeSpan SinceCancel) outcome)
    {
        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
        Assert.True(outcome.SinceCancel <= CancelBound, $"the wait ended {outcome.SinceCancel.TotalMilliseconds:F0} ms after the Cancel call");
    }

    /// <summary>
    /// Runs <paramref name="wait"/> with a token that another thread cancels after 300 ms, noting the time just before
    /// its Cancel call. Returns what the wait threw (null if it returned) and how long after the Cancel call it ended.
    /// </summary>
    private static async Task<(Exception? Error, TimeSpan SinceCancel)> CancelDuring(Func<CancellationToken, Task> wait)
    {
        using var cancel = new CancellationTokenSource();
        long cancelledAt = 0;
        var canceller = new TestThread(() =>
        {
            Thread.Sleep(300);
            Volatile.Write(ref cancelledAt, Stopwatch.GetTimestamp());
            cancel.Cancel();
        });
        canceller.Start();
        Exception? error = null;
        try
        {
            await wait(cancel.Token);
        }
        catch (Exception e)
        {
            error = e;
        }
        long endedAt = Stopwatch.GetTimestamp();
        canceller.Join();
        long at = Volatile.Read(ref cancelledAt);
        Assert.True(endedAt >= at, "the wait ended before the Cancel call");
        return (error, Stopwatch.GetElapsedTime(at, endedAt));
    }

    /// <summary>A synchronous wait, run on the calling thread, as a task for <see cref="CancelDuring"/>.</summary>
    private static Task Blocking(Action wait)
    {
        wait();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_stream_that_falls_behind_a_writer_in_another_process_yields_the_latest_value_not_the_next()
    {
        const int Changes = 100;
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        IAsyncEnumerator<TestPayload> stream = view.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(0, stream.Current.Value);

        // The consumer does not pull while the writer makes every change, each under its own lock.
        using (var writer = ChildProcess.Start(["bump", t.Name, Changes.ToString(), "locked"]))
        {
            writer.Expect("ready");
            writer.Send("go");
            Assert.Equal("done", writer.ReadLine(Long));
        }
        // One pull: the latest value. A stream that queued every change would yield 1 here.
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Long));
        Assert.Equal(Changes, stream.Current.Value);

        // Nothing is newer, so nothing comes (an older value least of all) until the next change.
        Task<bool> next = stream.MoveNextAsync().AsTask();
        await Task.Delay(300);
        Assert.False(next.IsCompleted, $"the stream yielded {stream.Current.Value} with nothing changed");
        WriteInChild(t, Changes + 1);
        Assert.True(await next.WaitAsync(Long));
        Assert.Equal(Changes + 1, stream.Current.Value);
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task Twin_a_stream_pulled_after_each_change_yields_each_value()
    {
        // Proves that the test above can fail: a consumer that keeps up sees the values in between, so the latest value
        // above comes from coalescing what the consumer missed, not from a stream that always skips ahead.
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        IAsyncEnumerator<TestPayload> stream = view.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await stream.MoveNextAsync());
        var seen = new List<long> { stream.Current.Value };
        for (int i = 1; i <= 3; i++)
        {
            WriteInChild(t, i);
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Long));
            seen.Add(stream.Current.Value);
        }
        Assert.Equal(new long[] { 0, 1, 2, 3 }, seen);
        await stream.DisposeAsync();
    }

    /// <summary>One locked write of Value by a child process.</summary>
    private static void WriteInChild(TestSegment t, long value)
    {
        using var writer = ChildProcess.Start(["write", t.Name, value.ToString()]);
        Assert.Equal("written", writer.ReadLine(Long));
        Assert.Equal(0, writer.WaitForExit());
    }

    [Fact]
    public void A_writer_killed_mid_write_does_not_strand_watchers()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var watcher = ChildProcess.Start(["watch", t.Name, "7", "ro"]);
        watcher.Expect("ready");
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");
        holder.KillHard();

        // A watcher that starts now reads what the dead holder left, and its wait with a timeout is not left asleep
        // beyond it: the dead holder's half-write is no change.
        using var bounded = ChildProcess.Start(["watch", t.Name, "7", "ro-async", "300"]);
        bounded.Expect("ready");
        Assert.Equal("timeout value=0", bounded.ReadLine(Long));
        // The next writer recovers the lock; its release wakes the watcher, which sees the repaired value.
        using (var g = seg.Lock(Second))
        {
            Assert.True(g.WasAbandoned);
            g.Value.Value = 7;
            g.Value.Shadow = 7;
        }
        Assert.StartsWith("final value=7 ", watcher.ReadLine(Long));
    }

    [Fact]
    public async Task WatchAsync_never_yields_what_a_writer_killed_mid_write_left_behind()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // The holder sets Shadow but never Value, then dies holding the lock.
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked");
            holder.KillHard();
        }
        // A snapshot read takes the half-write as it is and says so ...
        TestPayload left = view.Read(Second, out _, out bool torn);
        Assert.True(torn);
        Assert.NotEqual(left.Value, left.Shadow);
        // ... but a stream started now has no way to say so, so it does not hand the half-write on as the current value:
        // nothing comes, however many liveness checks fit in the wait.
        await using IAsyncEnumerator<TestPayload> stream = view.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Task<bool> first = stream.MoveNextAsync().AsTask();
        await Task.Delay(500);
        Assert.False(first.IsCompleted, $"the stream yielded Value={stream.Current.Value} Shadow={stream.Current.Shadow} from a dead writer's half-write");

        // The recovering Lock repairs the state; its release is what the stream yields first.
        using (var g = seg.Lock(Second))
        {
            Assert.True(g.WasAbandoned);
            g.Value.Value = 7;
            g.Value.Shadow = 7;
        }
        Assert.True(await first.WaitAsync(Long));
        Assert.Equal((7L, 7L), (stream.Current.Value, stream.Current.Shadow));
    }

    [Fact]
    public void A_killed_watcher_stops_costing_writers_and_a_live_one_is_never_forgotten()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var live = ChildProcess.Start(["watch", t.Name, "1000000", "ro"]);
        live.Expect("ready");
        using (var dead = ChildProcess.Start(["watch", t.Name, "1000000", "rw"]))
        {
            dead.Expect("ready");
            dead.KillHard();
        }
        Assert.Equal(2, Info(t).Watchers);
        Write(seg, 300);
        // The live watcher woke for the changes, so the count was never in doubt: both counts stay.
        Assert.Equal(2, Info(t).Watchers);

        live.KillHard();
        Write(seg, 300); // now every wake finds nobody, and the writer asks the watching marker
        Assert.Equal(0, Info(t).Watchers);
    }

    [Fact]
    public void A_watcher_in_another_PID_namespace_is_woken()
    {
        Namespaces.SkipUnlessAvailable();
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var watcher = ChildProcess.StartWrapped(Namespaces.OwnPid, ["watch", t.Name, "3", "ro-async"]);
        watcher.Expect("ready");
        for (int i = 1; i <= 3; i++)
        {
            using var g = seg.Lock(Second);
            g.Value.Value = i;
        }
        Assert.StartsWith("final value=3 ", watcher.ReadLine(Long));
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        for (int i = 0; i < 1000 && !condition(); i++)
            Thread.Sleep(10);
        Assert.True(condition(), $"never saw {what}");
    }

    private static void Write(SharedSegment<TestPayload> seg, int times)
    {
        for (int i = 0; i < times; i++)
        {
            using var g = seg.Lock(Second);
            g.Value.Writes++;
        }
    }

    private static SegmentInfo Info(TestSegment t) => SegmentInspector.Inspect(t.Name, t.Options);
}
