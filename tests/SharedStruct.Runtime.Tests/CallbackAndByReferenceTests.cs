using System;
using System.Threading;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>Update, Read and ReadSnapshot(ref T) on the runtime types; the cross-process cases run in the generator's end-to-end tests.</summary>
[Collection(ProcessCollection.Name)]
public class CallbackAndByReferenceTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Update_changes_several_fields_under_one_lock_and_Read_sees_them_in_one_snapshot()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        Assert.False(seg.Update(static (ref TestPayload p, long n) => { p.Value = n; p.Shadow = -n; }, 21L, Second));
        Assert.False(seg.Update(static (ref TestPayload p) => p.Writes++));
        Assert.Equal(0L, seg.Read(static (in TestPayload p) => p.Value + p.Shadow, Second));
        Assert.Equal(22L, seg.Read(static (in TestPayload p, long add) => p.Value + add, 1L));
        Assert.Equal(1L, seg.Read(static (in TestPayload p) => p.Writes));
        // The lock is free again afterwards.
        using (var g = seg.Lock(Second))
            Assert.Equal(21, g.Value.Value);
    }

    [Fact]
    public void An_Update_that_throws_releases_the_lock_with_what_it_wrote()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        Assert.Throws<InvalidOperationException>(() =>
            seg.Update(static (ref TestPayload p) => { p.Value = 5; throw new InvalidOperationException("stop"); }, Second));
        Assert.True(seg.TryLock(TimeSpan.Zero, out var guard));
        using (guard)
            Assert.Equal(5, guard.Value.Value);
    }

    [Fact]
    public void Null_callbacks_and_bad_timeouts_are_rejected()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        Assert.Throws<ArgumentNullException>(() => seg.Update((SegmentUpdater<TestPayload>)null!, Second));
        Assert.Throws<ArgumentNullException>(() => seg.Read<long>(null!, Second));
        Assert.Throws<ArgumentOutOfRangeException>(() => seg.Read(static (in TestPayload p) => p.Value, TimeSpan.FromMilliseconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => seg.Update(static (ref TestPayload p) => p.Value++, TimeSpan.FromMilliseconds(-2)));
    }

    [Fact]
    public void ReadSnapshot_by_reference_fills_caller_storage_on_both_views()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        seg.Update(static (ref TestPayload p) => { p.Value = 7; p.Writes = 3; });
        var box = new TestPayload[1];
        seg.ReadSnapshot(ref box[0], Second, out ulong version, out bool torn);
        Assert.Equal(7, box[0].Value);
        Assert.False(torn);
        Assert.Equal(seg.Version, version);

        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name, defaultLockTimeout: TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromMilliseconds(300), view.DefaultLockTimeout);
        box[0] = default;
        view.ReadSnapshot(ref box[0], Second);
        Assert.Equal(3, box[0].Writes);
        Assert.Equal(10L, view.Read(static (in TestPayload p) => p.Value + p.Writes));
    }

    [Fact]
    public void A_Read_times_out_while_a_live_writer_holds_the_lock()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        using var child = ChildProcess.Start(["hold", t.Name]);
        Assert.StartsWith("locked pid=", child.ReadLine());
        Assert.Throws<TimeoutException>(() => view.Read(static (in TestPayload p) => p.Value, TimeSpan.FromMilliseconds(50)));
        var storage = new TestPayload[1];
        Assert.Throws<TimeoutException>(() => view.ReadSnapshot(ref storage[0], TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void Read_of_a_payload_over_64_KiB_copies_into_native_memory_and_sees_all_of_it()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<Wide>.Open(t.Name);
        seg.Update(static (ref Wide w) => { w.First = 1; w.Last = 2; });
        Assert.Equal(3L, seg.Read(static (in Wide w) => w.First + w.Last, Second));
        using var view = SharedSegment<Wide>.OpenReadOnly(t.Name);
        Assert.Equal(2L, view.Read(static (in Wide w, int _) => w.Last, 0, Second));
    }

    [Fact]
    public void Static_callbacks_with_state_allocate_nothing()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        var storage = new TestPayload[1];
        void Round(long i)
        {
            seg.Update(static (ref TestPayload p, long n) => p.Value += n, i, Second);
            _ = seg.Read(static (in TestPayload p, long n) => p.Value + n, i, Second);
            _ = view.Read(static (in TestPayload p) => p.Value, Second);
            view.ReadSnapshot(ref storage[0], Second);
        }
        Round(1); // JIT and the static lambdas' one-time delegate caches
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long i = 0; i < 1000; i++)
            Round(i);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_capturing_lambda_does_allocate_so_the_measurement_above_can_fail()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        long k = 5;
        _ = seg.Read((in TestPayload p) => p.Value + k, Second);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long i = 0; i < 100; i++)
        {
            k = i;
            _ = seg.Read((in TestPayload p) => p.Value + k, Second);
        }
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0);
    }

    private unsafe struct Wide
    {
        public long First;
        public fixed byte Middle[100_000];
        public long Last;
    }
}
