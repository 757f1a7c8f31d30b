using System;
using System.Diagnostics;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Liveness where services and sidecars really run: containers sharing /dev/shm, each in its own PID namespace (each
/// app PID 1) or time namespace. A live holder must never lose its lock there, and a dead one must still be recovered.
/// The namespaces are real (unshare, as root), and so are the processes and the kill -9.
/// </summary>
[Collection(ProcessCollection.Name)]
public class ContainerLivenessTests
{
    private const int Trials = 5;

    [Fact]
    public void A_live_holder_in_another_PID_namespace_keeps_its_lock_and_releases_normally()
    {
        Namespaces.SkipUnlessAvailable();
        for (int trial = 0; trial < Trials; trial++)
        {
            using var t = new TestSegment();
            using var seg = SharedSegment<TestPayload>.Open(t.Name);
            using var holder = ChildProcess.StartWrapped(Namespaces.OwnPid, ["hold", t.Name]);
            Assert.Equal("locked pid=1", holder.Expect("locked")); // PID 1 of its own namespace

            // Long past the 5 ms quiet time after which a waiter checks the holder: it must find it alive.
            Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(300), out _), $"trial {trial}: the lock of a live holder in another PID namespace was taken");
            var timeout = Assert.Throws<TimeoutException>(() => { using var g = seg.Lock(TimeSpan.FromMilliseconds(50)); });
            Assert.Contains("another PID namespace", timeout.Message);

            holder.Send("go");
            Assert.Equal("released", holder.ReadLine()); // its Dispose did not find its lock stolen
            using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            {
                Assert.False(g.WasAbandoned);
                Assert.Equal(g.Value.Value + 1, g.Value.Shadow);
            }
            Assert.Equal(0, holder.WaitForExit());
        }
    }

    [Fact]
    public void Two_PID_1_processes_in_sibling_namespaces_exclude_each_other_without_a_false_recursion_error()
    {
        Namespaces.SkipUnlessAvailable();
        for (int trial = 0; trial < Trials; trial++)
        {
            using var t = new TestSegment();
            using var seg = SharedSegment<TestPayload>.Open(t.Name);
            using var holder = ChildProcess.StartWrapped(Namespaces.OwnPid, ["hold", t.Name]);
            holder.Expect("locked pid=1");
            using (var waiter = ChildProcess.StartWrapped(Namespaces.OwnPid, ["try-lock", t.Name, "300"]))
            {
                // Same pid (1) and same managed thread id (1) as the holder, in another namespace: not this thread's lock.
                Assert.Equal("ready pid=1 thread=1", waiter.ReadLine());
                Assert.Equal("timeout", waiter.ReadLine());
            }
            holder.Send("go");
            Assert.Equal("released", holder.ReadLine());
            using var after = ChildProcess.StartWrapped(Namespaces.OwnPid, ["try-lock", t.Name, "5000"]);
            after.Expect("ready");
            Assert.Equal("acquired abandoned=False", after.ReadLine());
        }
    }

    [Fact]
    public void A_live_holder_in_another_time_namespace_keeps_its_lock()
    {
        Namespaces.SkipUnlessAvailable();
        for (int trial = 0; trial < Trials; trial++)
        {
            using var t = new TestSegment();
            using var seg = SharedSegment<TestPayload>.Open(t.Name);
            using var holder = ChildProcess.StartWrapped(Namespaces.OwnTime, ["hold", t.Name]);
            holder.Expect("locked");
            Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(300), out _), $"trial {trial}: the lock of a live holder in another time namespace was taken");
            holder.Send("go");
            Assert.Equal("released", holder.ReadLine());
            using var g = seg.Lock(TimeSpan.FromSeconds(5));
            Assert.False(g.WasAbandoned);
        }
    }

    [Fact]
    public void A_stopped_holder_is_never_taken_for_dead()
    {
        Namespaces.SkipUnlessAvailable();
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        for (int trial = 0; trial < 3; trial++)
        {
            using var holder = ChildProcess.StartWrapped(Namespaces.OwnPid, ["hold", t.Name]);
            holder.Expect("locked");
            int inner = holder.InnerPid;
            Signal("STOP", inner);
            try
            {
                // Far past the 5 ms quiet time after which a waiter asks whether the holder lives.
                Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(500), out _), $"trial {trial}: the lock of a SIGSTOPped (live) holder was taken");
            }
            finally
            {
                Signal("CONT", inner);
            }
            holder.Send("go");
            Assert.Equal("released", holder.ReadLine());
            using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
                Assert.False(g.WasAbandoned, $"trial {trial}: the stopped holder's release was not a normal one");
            Assert.Equal(0, holder.WaitForExit());
        }
    }

    [Fact]
    public void A_holder_killed_in_another_PID_namespace_is_recovered_10_times_in_a_row()
    {
        Namespaces.SkipUnlessAvailable();
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        for (int trial = 0; trial < 10; trial++)
        {
            using (var holder = ChildProcess.StartWrapped(trial % 2 == 0 ? Namespaces.OwnPid : Namespaces.OwnTime, ["hold", t.Name]))
            {
                holder.Expect("locked");
                holder.KillHard();
            }
            using var g = seg.Lock(TimeSpan.FromSeconds(10));
            Assert.True(g.WasAbandoned, $"trial {trial}: a holder killed in its own namespace was not reported abandoned");
            Assert.Equal(g.Value.Value + 1, g.Value.Shadow);
            g.Value.Value = g.Value.Shadow;
        }
        var info = SegmentInspector.Inspect(t.Name);
        Assert.Equal(10u, info.AbandonCount);
    }

    [Fact]
    public void A_crash_atomic_holder_killed_in_its_own_namespace_is_rolled_back_while_a_sidecar_reader_in_another_reads_on()
    {
        // The service/sidecar pair of a crash-atomic segment: writers and a read-only reader, each PID 1 of a namespace
        // of its own (or in a time namespace of its own), sharing only /dev/shm.
        Namespaces.SkipUnlessAvailable();
        using var t = new TestSegment();
        var options = CrashAtomic(t);
        using var seg = SharedSegment<PairPayload>.Open(t.Name, options);
        using var reader = ChildProcess.StartWrapped(Namespaces.OwnPid, ["atomic-reader", t.Name]);
        Assert.Equal("ready rollback=True", reader.ReadLine());
        for (int trial = 0; trial < Trials; trial++)
        {
            using (ChildProcess holder = StartAtomicHolder(trial % 2 == 0 ? Namespaces.OwnPid : Namespaces.OwnTime, t, trial))
                holder.KillHard();
            using var g = seg.Lock(TimeSpan.FromSeconds(10));
            Assert.True(g.WasAbandoned && g.WasRolledBack, $"trial {trial}: a holder killed in its own namespace was not rolled back");
            Assert.Equal((long)trial, g.Value.A);
            Assert.Equal((long)trial, g.Value.B);
            g.Value.A++;
            g.Value.B++;
        }
        reader.Send("stop");
        string summary = reader.Expect("done");
        Assert.Matches("^done reads=[1-9][0-9]* torn=0 errors=0 mayBeTorn=0 ", summary);
    }

    [Fact]
    public void A_stopped_crash_atomic_holder_is_never_rolled_back_and_readers_get_the_committed_state_meanwhile()
    {
        Namespaces.SkipUnlessAvailable();
        using var t = new TestSegment();
        var options = CrashAtomic(t);
        using var seg = SharedSegment<PairPayload>.Open(t.Name, options);
        using var reader = SharedSegment<PairPayload>.OpenReadOnly(t.Name, options);
        for (int trial = 0; trial < 3; trial++)
        {
            using ChildProcess holder = StartAtomicHolder(Namespaces.OwnPid, t, trial);
            int inner = holder.InnerPid;
            Signal("STOP", inner);
            try
            {
                // Far past the 5 ms quiet time after which a waiter asks whether the holder lives.
                Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(500), out _), $"trial {trial}: the lock of a SIGSTOPped (live) holder was taken");
                // A reader neither waits for the stopped holder nor sees its half-done section.
                Assert.True(reader.TryRead(TimeSpan.FromMilliseconds(50), out PairPayload during, out bool mayBeTorn), $"trial {trial}: the read waited for a stopped holder");
                Assert.False(mayBeTorn);
                Assert.Equal(((long)trial, (long)trial), (during.A, during.B));
            }
            finally
            {
                Signal("CONT", inner);
            }
            holder.Send("go");
            Assert.Equal("released", holder.ReadLine());
            using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            {
                Assert.False(g.WasAbandoned, $"trial {trial}: the stopped holder's release was not a normal one");
                Assert.False(g.WasRolledBack, $"trial {trial}: the stopped holder's section was rolled back");
                Assert.Equal(((long)trial + 1, (long)trial + 1), (g.Value.A, g.Value.B));
            }
            Assert.Equal(0, holder.WaitForExit());
        }
    }

    private static SharedSegmentOptions CrashAtomic(TestSegment t) => new() { Directory = t.Options.Directory, RollbackOnCrash = true };

    /// <summary>A crash-atomic holder in <paramref name="wrapper"/>'s namespace, mid-section of trial <paramref name="trial"/> (A written, B not yet).</summary>
    private static ChildProcess StartAtomicHolder(string[] wrapper, TestSegment t, int trial)
    {
        ChildProcess holder = ChildProcess.StartWrapped(wrapper, ["atomic-hold", t.Name]);
        try
        {
            Assert.Equal($"locked a={trial + 1} b={trial}", holder.Expect("locked"));
            return holder;
        }
        catch
        {
            holder.Dispose();
            throw;
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
