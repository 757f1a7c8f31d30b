using System;
using System.Diagnostics;
using System.Threading;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

[Collection(ProcessCollection.Name)]
public class CrashTests
{
    private const int Trials = 20;

    [Fact]
    public void A_holder_killed_inside_its_critical_section_is_reported_abandoned_and_the_segment_stays_usable_20_times_in_a_row()
    {
        TimeSpan timeout = TimeSpan.FromSeconds(5);
        for (int trial = 0; trial < Trials; trial++)
        {
            using var t = new TestSegment();
            using var seg = SharedSegment<TestPayload>.Open(t.Name);
            using (var holder = ChildProcess.Start(["hold", t.Name]))
            {
                holder.Expect("locked");
                holder.KillHard();
            }

            var sw = Stopwatch.StartNew();
            using (var g = seg.Lock(timeout))
            {
                sw.Stop();
                Assert.True(g.WasAbandoned, $"trial {trial}: the lock of a killed holder was not reported abandoned");
                Assert.True(sw.Elapsed < timeout, $"trial {trial}: recovery took {sw.Elapsed}");
                // The killed holder got half-way: Shadow was bumped, Value not. The new holder sees and repairs it.
                Assert.Equal(g.Value.Value + 1, g.Value.Shadow);
                g.Value.Value = g.Value.Shadow;
            }

            // Usable afterwards, from this process and from another one, with no stale abandonment.
            using (var g = seg.Lock(timeout))
                Assert.False(g.WasAbandoned);
            using var worker = ChildProcess.Start(["increment", t.Name, "100"]);
            Assert.Equal("ready", worker.ReadLine());
            worker.Send("go");
            Assert.Equal("done abandoned=0", worker.ReadLine());
            using (var g = seg.Lock(timeout))
                Assert.Equal(101, g.Value.Value);
        }
    }

    [Fact]
    public void A_waiter_already_blocked_when_the_holder_dies_gets_the_lock_within_its_timeout()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");

        bool abandoned = false;
        Exception? failure = null;
        var waiter = new TestThread(() =>
        {
            try
            {
                using var g = seg.Lock(TimeSpan.FromSeconds(10));
                abandoned = g.WasAbandoned;
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        waiter.Start();
        Thread.Sleep(200); // let it go to sleep in the kernel
        holder.KillHard();
        Assert.True(waiter.Join(TimeSpan.FromSeconds(10)), "the waiter never got the lock");
        Assert.Null(failure);
        Assert.True(abandoned);
    }

    [Fact]
    public void A_live_holder_makes_Lock_time_out_naming_the_holder_within_timeout_plus_100_ms()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");

        TimeSpan timeout = TimeSpan.FromMilliseconds(300);
        var sw = Stopwatch.StartNew();
        var error = Assert.Throws<TimeoutException>(() => { using var g = seg.Lock(timeout); });
        sw.Stop();
        Assert.InRange(sw.Elapsed, timeout, timeout + TimeSpan.FromMilliseconds(100));
        Assert.Contains(t.Name, error.Message);
        Assert.Contains($"process {holder.Pid} holds it", error.Message);
        Assert.Matches("held it for at least [0-9]+ ms", error.Message);

        Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(50), out var none));
        Assert.False(none.IsHeld);

        // Released normally: the next Lock is not abandoned.
        holder.Send("release");
        Assert.Equal("released", holder.ReadLine());
        using var ok = seg.Lock(TimeSpan.FromSeconds(5));
        Assert.False(ok.WasAbandoned);
    }
}
