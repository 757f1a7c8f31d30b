using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Change notification between real processes: watchers in every mode see the last change, none is stranded by a
/// writer killed mid-write, a killed watcher stops costing writers, and waits (and lock waits) end on cancellation.
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
    public async Task Waits_and_lock_waits_end_on_cancellation()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        ulong version = view.Version;

        using (var cancel = new CancellationTokenSource())
        {
            ValueTask<bool> pending = view.WaitForChangeAsync(version, Long, cancel.Token);
            Assert.False(pending.IsCompleted);
            cancel.CancelAfter(50);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        }
        using (var cancel = new CancellationTokenSource())
        {
            cancel.CancelAfter(50);
            Assert.ThrowsAny<OperationCanceledException>(() => seg.WaitForChange(version, Long, cancel.Token));
        }
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

        // A lock wait behind a live holder in another process: cancelled, not timed out (the timeout is 30 s).
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");
        using (var cancel = new CancellationTokenSource())
        {
            cancel.CancelAfter(50);
            Assert.ThrowsAny<OperationCanceledException>(() => { using var g = seg.Lock(Long, cancel.Token); });
            Assert.ThrowsAny<OperationCanceledException>(() => seg.TryLock(Long, out _, cancel.Token));
        }
        holder.Send("go");
        Assert.Equal("released", holder.ReadLine());
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
