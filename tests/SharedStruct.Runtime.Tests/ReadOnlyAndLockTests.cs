using System;
using System.Runtime.CompilerServices;
using System.Threading;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

[Collection(ProcessCollection.Name)]
public class ReadOnlyAndLockTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_read_only_view_reads_consistently_and_the_kernel_refuses_writes_through_it()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using (var g = seg.Lock(Second))
            g.Value.Value = 55;

        using (var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name))
        {
            Assert.Equal(55, view.Read().Value);
            Assert.True(view.TryRead(Second, out TestPayload copy));
            Assert.Equal(55, copy.Value);
        }

        // A child that writes through its read-only mapping dies of SIGSEGV, and the value is unchanged.
        using var child = ChildProcess.Start(["readonly-write", t.Name]);
        Assert.Equal("read value=55", child.ReadLine());
        int exit = child.WaitForExit();
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("wrote through a read-only view", child.StandardError);
        using (var g = seg.Lock(Second))
            Assert.Equal(55, g.Value.Value);
    }

    [Fact]
    public void A_read_only_open_never_creates()
    {
        using var t = new TestSegment();
        Assert.Throws<System.IO.FileNotFoundException>(() => SharedSegment<TestPayload>.OpenReadOnly(t.Name));
        Assert.Throws<ArgumentException>(() => SharedSegment<TestPayload>.Open(t.Name, new SharedSegmentOptions { ReadOnly = true }));
        Assert.False(System.IO.File.Exists(t.Path));
    }

    [Fact]
    public void A_read_only_reader_waits_out_a_live_writer_and_still_reads_after_a_dead_one_saying_it_may_be_torn()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");
        var live = Assert.Throws<TimeoutException>(() => view.Read(TimeSpan.FromMilliseconds(100)));
        Assert.Contains("holds it", live.Message);
        holder.KillHard();

        // The dead holder bumped Shadow and not Value: the reader gets exactly that, within its timeout, and is told.
        for (int i = 0; i < 3; i++)
        {
            TestPayload left = view.Read(Second, out bool mayBeTorn);
            Assert.True(mayBeTorn, "a copy left by a dead holder was not reported as possibly torn");
            Assert.Equal(left.Value + 1, left.Shadow);
            Assert.True(view.TryRead(Second, out TestPayload again, out bool tornAgain) && tornAgain && again.Shadow == left.Shadow);
            Assert.Equal(left.Shadow, seg.ReadSnapshot(Second, out bool writerSawTorn).Shadow);
            Assert.True(writerSawTorn);
        }

        using (var g = seg.Lock(Second))
            Assert.True(g.WasAbandoned);
        Assert.Equal(0, view.Read(Second, out bool tornAfterRecovery).Value);
        Assert.False(tornAfterRecovery, "after a writer recovered the lock, reads must be whole again");
    }

    [Fact]
    public void Locking_twice_on_one_thread_throws_instead_of_deadlocking()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var other = SharedSegment<TestPayload>.Open(t.Name);
        using var g = seg.Lock(Second);
        var error = Assert.Throws<LockRecursionException>(() => { using var again = seg.Lock(Second); });
        Assert.Contains("not recursive", error.Message);
        // Through a second handle to the same segment in the same process, too.
        Assert.Throws<LockRecursionException>(() => { using var again = other.Lock(Second); });
    }

    [Fact]
    public void Recursion_is_caught_however_the_lock_was_taken_and_however_deep_the_second_attempt()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);

        // Taken on the slow path: another thread holds it first, so this thread waits and then acquires.
        var release = new ManualResetEventSlim();
        var held = new ManualResetEventSlim();
        var holder = new TestThread(() => { using var g = seg.Lock(Second); held.Set(); release.Wait(); });
        holder.Start();
        held.Wait();
        var releaser = new TestThread(() => { Thread.Sleep(50); release.Set(); });
        releaser.Start();
        using (var afterWait = seg.Lock(TimeSpan.FromSeconds(10)))
        {
            Assert.Throws<LockRecursionException>(() => { using var again = seg.Lock(Second); });
        }
        holder.Join();
        releaser.Join();

        // On a thread with a small stack, the second attempt many frames deeper than the first: the check asks
        // whether the holder's frame is on this thread's stack, not how far away it is.
        Exception? seen = null;
        var deep = new TestThread(() =>
        {
            using var g = seg.Lock(Second);
            try
            {
                LockAtDepth(seg, 2000);
            }
            catch (Exception e)
            {
                seen = e;
            }
        }, maxStackSize: 1024 * 1024);
        deep.Start();
        deep.Join();
        Assert.IsType<LockRecursionException>(seen);

        // And a thread that never held it, waiting while this one holds it, times out instead of being told it recursed.
        using (var mine = seg.Lock(Second))
        {
            Exception? other = null;
            bool got = true;
            var waiter = new TestThread(() =>
            {
                try
                {
                    got = seg.TryLock(TimeSpan.FromMilliseconds(100), out var g);
                    g.Dispose();
                }
                catch (Exception e)
                {
                    other = e;
                }
            });
            waiter.Start();
            waiter.Join();
            Assert.Null(other);
            Assert.False(got);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LockAtDepth(SharedSegment<TestPayload> seg, int depth)
    {
        if (depth > 0)
            return LockAtDepth(seg, depth - 1) + 1;
        using var again = seg.Lock(Second);
        return 0;
    }

    [Fact]
    public void Another_thread_of_the_same_process_waits_for_the_lock()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        var g = seg.Lock(Second);
        bool got = true;
        var thread = new TestThread(() => got = seg.TryLock(TimeSpan.FromMilliseconds(50), out var inner) && inner.IsHeld);
        thread.Start();
        thread.Join();
        Assert.False(got);
        g.Dispose();
        g.Dispose(); // a second Dispose is harmless
        thread = new TestThread(() => { got = seg.TryLock(Second, out var inner); inner.Dispose(); });
        thread.Start();
        thread.Join();
        Assert.True(got);
    }

    [Fact]
    public void A_default_or_disposed_guard_gives_no_access()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        var g = seg.Lock(Second);
        g.Dispose();
        Assert.False(g.IsHeld);
        try
        {
            _ = g.Value.Value;
            Assert.Fail("a disposed guard gave access to the payload");
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains("does not hold the lock", e.Message);
        }
    }

    [Fact]
    public void Invalid_timeouts_are_refused_and_a_disposed_segment_says_so()
    {
        using var t = new TestSegment();
        var seg = SharedSegment<TestPayload>.Open(t.Name);
        using (var holder = seg.Lock(Second))
            Assert.Throws<ArgumentOutOfRangeException>(() => { seg.TryLock(TimeSpan.FromMilliseconds(-5), out var g); });
        seg.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { using var g = seg.Lock(Second); });
    }

    [Fact]
    public void Invalid_timeouts_are_refused_on_every_call_even_when_the_lock_is_free()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        foreach (TimeSpan bad in new[] { TimeSpan.MaxValue, TimeSpan.FromMilliseconds(-5), TimeSpan.FromMilliseconds(-1.5), TimeSpan.FromDays(30), TimeSpan.MinValue })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => { using var g = seg.Lock(bad); });
            Assert.Contains("InfiniteTimeSpan", e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => { seg.TryLock(bad, out var g); g.Dispose(); });
            Assert.Throws<ArgumentOutOfRangeException>(() => seg.ReadSnapshot(bad));
        }
        // The lock was free throughout and is still usable; the edges of the valid range are accepted.
        foreach (TimeSpan good in new[] { Timeout.InfiniteTimeSpan, TimeSpan.Zero, TimeSpan.FromMilliseconds(int.MaxValue) })
        {
            using var g = seg.Lock(good);
            Assert.True(g.IsHeld);
        }
    }

    [Fact]
    public void Deleting_a_segment_in_use_is_refused_unless_forced_and_a_forced_delete_keeps_it_working_for_those_who_have_it_open()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        var inUse = Assert.Throws<SegmentInUseException>(() => SharedSegment.Delete(t.Name));
        Assert.Contains("in use", inUse.Message);
        Assert.True(System.IO.File.Exists(t.Path));
        Assert.True(SharedSegment.ForceDelete(t.Name));
        Assert.False(SharedSegment.Delete(t.Name));
        using (var g = seg.Lock(Second))
            g.Value.Value = 9;
        using (var g = seg.Lock(Second))
            Assert.Equal(9, g.Value.Value);
        using var fresh = SharedSegment<TestPayload>.Open(t.Name);
        Assert.True(fresh.IsCreator);
    }
}
