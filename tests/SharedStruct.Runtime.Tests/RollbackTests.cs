using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Locking;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Crash-atomic segments (RollbackOnCrash) with real child processes and real kill -9: a dead holder's half-done
/// section is rolled back, readers read the committed state without waiting, and the two modes never mix. Every
/// section moves A and B together (A++, a pause, B++), so A != B anywhere outside a section is a tear.
/// </summary>
[Collection(ProcessCollection.Name)]
public class RollbackTests
{
    private const int Trials = 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static SharedSegmentOptions Atomic(TestSegment t) => new() { Directory = t.Options.Directory, RollbackOnCrash = true };

    [Fact]
    public void A_holder_killed_mid_section_is_rolled_back_and_readers_never_wait_20_times_in_a_row()
    {
        for (int trial = 0; trial < Trials; trial++)
        {
            using var t = new TestSegment();
            using var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t));
            using var reader = SharedSegment<PairPayload>.OpenReadOnly(t.Name, Atomic(t));
            Assert.True(seg.RollbackOnCrash);
            Assert.True(reader.RollbackOnCrash);
            using (var g = seg.Lock(Timeout))
            {
                g.Value.A = g.Value.B = 100 + trial;
            }

            using (var holder = ChildProcess.Start(["atomic-hold", t.Name]))
            {
                Assert.Equal($"locked a={101 + trial} b={100 + trial}", holder.Expect("locked"));
                // The holder is alive and half-way: a reader gets the committed state at once, whole.
                AssertCommitted(reader, 100 + trial, $"trial {trial}, holder alive");
                holder.KillHard();
            }
            // Dead, lock still held, nobody recovered it yet: still the committed state, never a "may be torn".
            AssertCommitted(reader, 100 + trial, $"trial {trial}, holder dead");

            using (var g = seg.Lock(Timeout))
            {
                Assert.True(g.WasAbandoned, $"trial {trial}: the killed holder's lock was not reported abandoned");
                Assert.True(g.WasRolledBack, $"trial {trial}: the recovery did not report a rollback");
                Assert.Equal(100 + trial, g.Value.A);
                Assert.Equal(100 + trial, g.Value.B);
                g.Value.A++;
                g.Value.B++;
            }
            // Usable afterwards: the next section commits and readers see it; no stale recovery.
            AssertCommitted(reader, 101 + trial, $"trial {trial}, after recovery");
            using (var g = seg.Lock(Timeout))
            {
                Assert.False(g.WasAbandoned);
                Assert.False(g.WasRolledBack);
            }
        }
    }

    [Fact]
    public unsafe void A_recoverer_that_died_after_taking_the_lock_over_is_rolled_back_from_the_first_holders_backup()
    {
        // A real holder killed mid-section (A written, B not), then the state a recoverer leaves if it dies between its
        // takeover and its restore: the backup word marked as a dead holder's, the lock word moved on a generation under
        // a token whose process is dead (the first holder's own). Nothing can pause a real recoverer at that point, so
        // the test writes those two words as the recoverer would.
        using var t = new TestSegment();
        using var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t));
        using var reader = SharedSegment<PairPayload>.OpenReadOnly(t.Name, Atomic(t));
        SegmentHeader* h = KillHolderMidSection(t, seg);
        ulong dead = Volatile.Read(ref h->LockWord);
        ulong generation = dead & LockWord.GenerationMask;
        Assert.Equal(generation | SegmentHeader.BackupWhole, Volatile.Read(ref h->BackupWord));
        Assert.Equal(generation | SegmentHeader.BackupWhole,
            Interlocked.CompareExchange(ref h->BackupWord, generation | SegmentHeader.BackupWhole | SegmentHeader.BackupOfDeadHolder, generation | SegmentHeader.BackupWhole));
        Assert.Equal(dead, Interlocked.CompareExchange(ref h->LockWord, dead + LockWord.GenerationOne, dead));
        Assert.Equal((101L, 100L), (seg.GetUnsynchronizedReference().A, seg.GetUnsynchronizedReference().B));

        // The payload is half-written and the lock is a new generation's: readers still take the backup.
        AssertCommitted(reader, 100, "recoverer dead before its restore");
        using (var g = seg.Lock(Timeout))
        {
            Assert.True(g.WasAbandoned && g.WasRolledBack, "the dead recoverer's lock was not taken over with a rollback");
            Assert.Equal((100L, 100L), (g.Value.A, g.Value.B));
            g.Value.A = g.Value.B = 102;
        }
        Assert.Equal(0UL, Volatile.Read(ref h->BackupWord) & SegmentHeader.BackupOfDeadHolder);
        AssertCommitted(reader, 102, "after the recovery");
    }

    [Fact]
    public unsafe void A_holder_that_died_before_its_backup_was_whole_leaves_the_payload_as_the_committed_state()
    {
        // The state a holder leaves if it dies while copying its backup: the lock word its own, the backup word its own
        // but not whole, the backup half-copied (garbage here), the payload not written yet. The lock word comes from a
        // real holder killed after its acquire; the test then puts back the payload it had written and writes the rest.
        using var t = new TestSegment();
        using var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t));
        using var reader = SharedSegment<PairPayload>.OpenReadOnly(t.Name, Atomic(t));
        SegmentHeader* h = KillHolderMidSection(t, seg);
        ulong generation = Volatile.Read(ref h->LockWord) & LockWord.GenerationMask;
        seg.GetUnsynchronizedReference().A = 100;
        var backup = (PairPayload*)SegmentHeader.BackupOf((byte*)h + SegmentHeader.PayloadOffsetValue, sizeof(PairPayload));
        *backup = new PairPayload { A = -1, B = -2 };
        Volatile.Write(ref h->BackupWord, generation);

        AssertCommitted(reader, 100, "holder dead mid-backup");
        using (var g = seg.Lock(Timeout))
        {
            Assert.True(g.WasAbandoned && g.WasRolledBack);
            Assert.Equal((100L, 100L), (g.Value.A, g.Value.B));
            // The recovery took a backup of its own: a reader during this section gets the payload as it was, whole.
            Assert.Equal((100L, 100L), (backup->A, backup->B));
            g.Value.A = 103;
            AssertCommitted(reader, 100, "during the recoverer's section");
            g.Value.B = 103;
        }
        AssertCommitted(reader, 103, "after the recovery");
    }

    [Fact]
    public void A_segment_of_the_first_crash_atomic_protocol_is_refused_with_the_version_message_and_left_as_it_was()
    {
        // Format version 3 published two committed copies on release; this runtime backs up on acquire (version 4).
        // The two must never share a segment: one would restore or read a copy the other never wrote.
        using var t = new TestSegment();
        string path;
        using (var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t)))
        {
            using (var g = seg.Lock(Timeout))
                g.Value.A = g.Value.B = 5;
            path = seg.Location;
        }
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        Assert.Equal(SegmentHeader.RollbackFormatVersion, BitConverter.ToUInt32(bytes, 8));
        bytes[8] = 3;
        System.IO.File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<System.IO.InvalidDataException>(() => SharedSegment<PairPayload>.Open(t.Name, Atomic(t)));
        Assert.Contains("has header format version 3", e.Message);
        Assert.Contains("reads versions 2 and 4", e.Message);
        Assert.Contains("Update SharedStruct in every process", e.Message);
        Assert.Throws<System.IO.InvalidDataException>(() => SharedSegment<PairPayload>.OpenReadOnly(t.Name, Atomic(t)));
        Assert.Equal(bytes, System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void The_same_kill_in_the_default_mode_leaves_the_half_done_section_for_the_user_to_repair()
    {
        // The twin of the test above: without the mode, the kill leaves A != B and no rollback is reported, so the
        // assertions above are not true by accident.
        using var t = new TestSegment();
        using var seg = SharedSegment<PairPayload>.Open(t.Name, t.Options);
        Assert.False(seg.RollbackOnCrash);
        using (var holder = ChildProcess.Start(["atomic-hold", t.Name, "--default"]))
        {
            holder.Expect("locked");
            holder.KillHard();
        }
        using var g = seg.Lock(Timeout);
        Assert.True(g.WasAbandoned);
        Assert.False(g.WasRolledBack);
        Assert.Equal(1, g.Value.A);
        Assert.Equal(0, g.Value.B);
    }

    [Fact]
    public void Chaos_workers_killed_at_random_mid_section_never_show_a_torn_pair_to_anyone_and_every_recovery_rolls_back()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t));
        var random = new Random(4242);
        var workers = new List<ChildProcess>();
        var lines = new List<string>();
        const int Kills = 30;
        string readerSummary;
        using (var reader = ChildProcess.Start(["atomic-reader", t.Name]))
        {
            Assert.Equal("ready rollback=True", reader.ReadLine());
            try
            {
                for (int i = 0; i < 4; i++)
                    workers.Add(StartChaosWorker(t.Name));
                for (int kill = 0; kill < Kills; kill++)
                {
                    System.Threading.Thread.Sleep(random.Next(20, 80));
                    int victim = random.Next(workers.Count);
                    workers[victim].KillHard();
                    lines.AddRange(workers[victim].Output.Split('\n'));
                    workers[victim].Dispose();
                    workers[victim] = StartChaosWorker(t.Name);
                }
                System.Threading.Thread.Sleep(300);
            }
            finally
            {
                foreach (ChildProcess w in workers)
                {
                    w.KillHard();
                    lines.AddRange(w.Output.Split('\n'));
                    w.Dispose();
                }
            }
            reader.Send("stop");
            readerSummary = reader.Expect("done");
        }

        Assert.DoesNotContain(lines, l => l.StartsWith("torn", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("abandoned-not-rolled-back", StringComparison.Ordinal));
        int rolledBack = lines.Count(l => l.StartsWith("rolled-back", StringComparison.Ordinal));
        Assert.True(rolledBack > 0, $"none of {Kills} kills hit a critical section (lines: {lines.Count}); the test proved nothing");

        // The reader polled through every kill and recovery: it never failed, never saw a tear, never had to say "may be torn".
        Match summary = Regex.Match(readerSummary, "^done reads=([0-9]+) torn=0 errors=0 mayBeTorn=0 ");
        Assert.True(summary.Success, readerSummary);
        Assert.True(long.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 100, readerSummary);

        // The segment stays usable, and whatever the last victim left is rolled back.
        using var g = seg.Lock(Timeout);
        Assert.Equal(g.Value.A, g.Value.B);
        Assert.Equal(g.WasAbandoned, g.WasRolledBack);
        Assert.True(g.Value.Sections > 0);
    }

    [Fact]
    public void A_writer_killed_backing_up_or_rewriting_a_4_MiB_payload_leaves_a_whole_committed_state_20_times_in_a_row()
    {
        var random = new Random(777);
        int recovered = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            using var t = new TestSegment();
            using var seg = SharedSegment<BigPairPayload>.Open(t.Name, Atomic(t));
            using var reader = SharedSegment<BigPairPayload>.OpenReadOnly(t.Name, Atomic(t));
            using (var writer = ChildProcess.Start(["atomic-big-writer", t.Name]))
            {
                Assert.Equal("ready", writer.ReadLine());
                // Wait for its first commits (a busy machine may be slow to schedule a new process), then kill it at a
                // random moment: the writer's time is the 4 MiB backup each acquire takes and the section that rewrites it all.
                var started = Stopwatch.StartNew();
                while (ReadBigA(reader) < 3 && started.Elapsed < Timeout)
                    System.Threading.Thread.Sleep(5);
                System.Threading.Thread.Sleep(random.Next(10, 60));
                writer.KillHard();
            }
            AssertWholeBig(reader, $"trial {trial}, before recovery");
            long a, b;
            bool abandoned, rolledBack;
            using (var g = seg.Lock(Timeout))
            {
                (a, b, abandoned, rolledBack) = (g.Value.A, g.Value.B, g.WasAbandoned, g.WasRolledBack);
            }
            Assert.True(a == b, $"trial {trial}: the recovered payload is torn: A={a} B={b}");
            Assert.Equal(abandoned, rolledBack);
            if (abandoned)
                recovered++;
            Assert.True(a > 0, $"trial {trial}: the writer committed nothing in its time");
            AssertWholeBig(reader, $"trial {trial}, after recovery");
        }
        Assert.True(recovered >= Trials / 2, $"only {recovered} of {Trials} kills found the writer holding the lock; the test proved little");
    }

    [Fact]
    public void A_reader_during_a_one_second_critical_section_returns_at_once_with_the_previous_committed_value()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t));
        using (var g = seg.Lock(Timeout))
            g.Value.A = g.Value.B = 7;
        using var reader = SharedSegment<PairPayload>.OpenReadOnly(t.Name, Atomic(t));
        using var writer = ChildProcess.Start(["atomic-section", t.Name, "1000"]);
        Assert.Equal("in-section a=8", writer.ReadLine());
        var sw = Stopwatch.StartNew();
        PairPayload during = reader.Read(TimeSpan.FromMilliseconds(100));
        PairPayload fromWriterView = seg.ReadSnapshot(TimeSpan.FromMilliseconds(100));
        sw.Stop();
        // Both reads finished inside the writer's second, well before it (a default-mode read waits for the release).
        Assert.True(sw.Elapsed < TimeSpan.FromMilliseconds(500), $"the reads took {sw.Elapsed.TotalMilliseconds} ms");
        Assert.Equal((7, 7), (during.A, during.B));
        Assert.Equal((7, 7), (fromWriterView.A, fromWriterView.B));
        Assert.Equal("committed a=8 b=8", writer.ReadLine());
        Assert.Equal((8, 8), (reader.Read(Timeout).A, reader.Read(Timeout).B));
    }

    [Fact]
    public void Watchers_are_woken_by_the_publish_and_the_version_stands_still_while_a_section_is_open()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t));
        using var reader = SharedSegment<PairPayload>.OpenReadOnly(t.Name, Atomic(t));
        reader.Read(Timeout, out ulong before, out _);
        Assert.False(reader.WaitForChange(before, TimeSpan.FromMilliseconds(1))); // registers the watcher
        using var writer = ChildProcess.Start(["atomic-section", t.Name, "300"]);
        Assert.Equal("in-section a=1", writer.ReadLine());
        // Held, half-way: nothing was published, so the version names the state readers still see.
        Assert.Equal(before, reader.Version);
        Assert.Equal(before, seg.Version);
        Assert.True(reader.WaitForChange(before, Timeout), "no wake-up after the publish");
        PairPayload after = reader.Read(Timeout, out ulong version, out _);
        Assert.NotEqual(before, version);
        Assert.Equal(version, reader.Version);
        Assert.Equal((1, 1), (after.A, after.B));
        Assert.Equal("committed a=1 b=1", writer.ReadLine());
    }

    [Fact]
    public void In_the_default_mode_the_same_reader_waits_for_the_section_and_times_out()
    {
        // The twin of the test above: the default mode's snapshot waits for the writer's release.
        using var t = new TestSegment();
        using var seg = SharedSegment<PairPayload>.Open(t.Name, t.Options);
        using var reader = SharedSegment<PairPayload>.OpenReadOnly(t.Name, t.Options);
        using var writer = ChildProcess.Start(["atomic-section", t.Name, "1000", "--default"]);
        Assert.Equal("in-section a=1", writer.ReadLine());
        Assert.False(reader.TryRead(TimeSpan.FromMilliseconds(100), out _));
        Assert.Equal("committed a=1 b=1", writer.ReadLine());
    }

    [Fact]
    public void Mixed_mode_opens_are_refused_with_the_layout_mismatch_error_in_both_directions()
    {
        using var t = new TestSegment();
        using (var seg = SharedSegment<PairPayload>.Open(t.Name, Atomic(t)))
        {
            // Another process built in the default mode.
            using (var other = ChildProcess.Start(["atomic-open-default", t.Name]))
            {
                string line = other.ReadLine();
                Assert.StartsWith("refused SegmentLayoutMismatchException:", line);
                Assert.Contains("created with RollbackOnCrash = true, but this program opens it with RollbackOnCrash = false", line);
            }
            var here = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<PairPayload>.Open(t.Name, t.Options));
            Assert.Equal(["the crash-atomic mode changed from RollbackOnCrash = true to RollbackOnCrash = false"], here.Differences);
            Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<PairPayload>.OpenReadOnly(t.Name, t.Options));
            // The segment itself is untouched by the refusals.
            using var g = seg.Lock(Timeout);
            Assert.False(g.WasAbandoned);
        }

        using var d = new TestSegment();
        using var plain = SharedSegment<PairPayload>.Open(d.Name, d.Options);
        var reverse = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<PairPayload>.Open(d.Name, Atomic(d)));
        Assert.Contains("created with RollbackOnCrash = false, but this program opens it with RollbackOnCrash = true", reverse.Message);
        using (var other = ChildProcess.Start(["atomic-open-default", d.Name]))
            Assert.Equal("opened", other.ReadLine());
    }

    [Fact]
    public void Generated_code_declares_the_mode_and_options_cannot_switch_it_on_behind_the_attribute()
    {
        Assert.Null(SharedSegmentOptions.WithDeclaredMode(null, rollbackOnCrash: false));
        var given = new SharedSegmentOptions { Directory = "/x" };
        Assert.Same(given, SharedSegmentOptions.WithDeclaredMode(given, rollbackOnCrash: false));
        SharedSegmentOptions declared = SharedSegmentOptions.WithDeclaredMode(given, rollbackOnCrash: true)!;
        Assert.True(declared.RollbackOnCrash);
        Assert.Equal("/x", declared.Directory);
        Assert.False(given.RollbackOnCrash);
        Assert.Throws<ArgumentException>(() => SharedSegmentOptions.WithDeclaredMode(new SharedSegmentOptions { RollbackOnCrash = true }, rollbackOnCrash: false));
    }

    /// <summary>
    /// Commits A = B = 100, then has a child process lock, write A = 101 and die by kill -9 before writing B: the lock
    /// stays the dead holder's. Returns the segment's header, for the tests that then write what a protocol step would.
    /// </summary>
    private static unsafe SegmentHeader* KillHolderMidSection(TestSegment t, SharedSegment<PairPayload> seg)
    {
        using (var g = seg.Lock(Timeout))
            g.Value.A = g.Value.B = 100;
        using (var holder = ChildProcess.Start(["atomic-hold", t.Name]))
        {
            Assert.Equal("locked a=101 b=100", holder.Expect("locked"));
            holder.KillHard();
        }
        return HeaderOf(seg);
    }

    /// <summary>The header of a writable view's mapping: the payload sits at a fixed offset behind it.</summary>
    private static unsafe SegmentHeader* HeaderOf(SharedSegment<PairPayload> seg) =>
        (SegmentHeader*)((byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref seg.GetUnsynchronizedReference()) - SegmentHeader.PayloadOffsetValue);

    private static void AssertCommitted(ReadOnlySharedSegment<PairPayload> reader, long expected, string what)
    {
        var sw = Stopwatch.StartNew();
        // A 50 ms timeout: the default mode would give up (a live holder) or say "may be torn" (a dead one).
        bool ok = reader.TryRead(TimeSpan.FromMilliseconds(50), out PairPayload p, out bool mayBeTorn);
        Assert.True(ok, $"{what}: the read timed out after {sw.Elapsed.TotalMilliseconds} ms");
        Assert.False(mayBeTorn, what);
        Assert.Equal((expected, expected), (p.A, p.B));
    }

    private static unsafe void AssertWholeBig(ReadOnlySharedSegment<BigPairPayload> reader, string what)
    {
        // 4 MiB: not on the stack.
        var copy = (BigPairPayload*)NativeMemory.AlignedAlloc((nuint)sizeof(BigPairPayload), 64);
        try
        {
            reader.ReadSnapshot(ref *copy, TimeSpan.FromMilliseconds(200), out _, out bool mayBeTorn);
            Assert.False(mayBeTorn, what);
            Assert.True(copy->A == copy->B, $"{what}: a reader saw a torn copy: A={copy->A} B={copy->B}");
            foreach (int at in new[] { 0, BigPairPayload.PadBytes / 2, BigPairPayload.PadBytes - 1 })
                Assert.True((byte)copy->A == copy->Pad[at], $"{what}: a reader saw a torn copy: A={copy->A} but pad[{at}]={copy->Pad[at]}");
        }
        finally
        {
            NativeMemory.AlignedFree(copy);
        }
    }

    private static unsafe long ReadBigA(ReadOnlySharedSegment<BigPairPayload> reader) =>
        reader.Read(static (in BigPairPayload p) => p.A, TimeSpan.FromSeconds(1));

    private static ChildProcess StartChaosWorker(string name)
    {
        var worker = ChildProcess.Start(["atomic-chaos", name]);
        Assert.Equal("ready", worker.ReadLine());
        return worker;
    }
}
