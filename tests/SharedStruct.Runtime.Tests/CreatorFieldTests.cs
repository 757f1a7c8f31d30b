using System.Collections.Generic;
using System.Runtime.InteropServices;
using SharedStruct.Format;
using SharedStruct.Locking;
using SharedStruct.Platform;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// The creator-field protocol by which openers take over a segment from a dead creator where no kernel marker decides
/// between them (macOS). Each test plays one interleaving of openers step by step on a header in memory, with a
/// process table standing in for proc_pidinfo: judged the way <c>PidMarkers</c> judges (pid and start time, start time
/// 0 = any process with that pid).
/// </summary>
public unsafe class CreatorFieldTests
{
    private static readonly ProcessIdentity DeadCreator = new(42, 1_000);
    private static readonly ProcessIdentity A = new(100, 2_000);
    private static readonly ProcessIdentity B = new(200, 3_000);

    /// <summary>pid → start time of the processes running now.</summary>
    private readonly Dictionary<int, long> _running = new() { [A.Pid] = A.StartTime, [B.Pid] = B.StartTime };

    private bool Alive(CreatorIdentity c) =>
        c.Pid > 0 && _running.TryGetValue(c.Pid, out long start) && (c.StartTimeToJudge == 0 || c.StartTimeToJudge == start);

    private static SegmentHeader* NewHeader(ProcessIdentity creator)
    {
        var h = (SegmentHeader*)NativeMemory.AllocZeroed((nuint)sizeof(SegmentHeader));
        CreatorField.Publish(h, creator);
        return h;
    }

    [Fact]
    public void Of_two_openers_that_judged_the_same_creator_dead_exactly_one_claims_it_and_the_other_then_sees_a_live_taker()
    {
        SegmentHeader* h = NewHeader(DeadCreator);
        try
        {
            CreatorIdentity seenByA = CreatorField.Read(h), seenByB = CreatorField.Read(h);
            Assert.False(Alive(seenByA));
            Assert.False(Alive(seenByB));

            Assert.True(CreatorField.TryClaim(h, seenByA, A));
            Assert.False(CreatorField.TryClaim(h, seenByB, B));

            // A is still clearing and writing the header: its claim names it, and it lives.
            CreatorIdentity claim = CreatorField.Read(h);
            Assert.True(claim.IsClaim);
            Assert.Equal(A.Pid, claim.Pid);
            Assert.True(Alive(claim));

            CreatorField.Publish(h, A);
            CreatorIdentity published = CreatorField.Read(h);
            Assert.False(published.IsClaim);
            Assert.Equal((A.Pid, A.StartTime), (published.Pid, published.StartTime));
            Assert.True(Alive(published));
        }
        finally
        {
            NativeMemory.Free(h);
        }
    }

    [Fact]
    public void A_claim_whose_taker_died_before_publishing_is_judged_dead_and_taken_over_in_turn()
    {
        SegmentHeader* h = NewHeader(DeadCreator);
        try
        {
            Assert.True(CreatorField.TryClaim(h, CreatorField.Read(h), A));
            _running.Remove(A.Pid); // A dies mid-takeover

            CreatorIdentity seen = CreatorField.Read(h);
            Assert.False(Alive(seen));
            Assert.True(CreatorField.TryClaim(h, seen, B));
            CreatorField.Publish(h, B);
            Assert.True(Alive(CreatorField.Read(h)));
        }
        finally
        {
            NativeMemory.Free(h);
        }
    }

    [Fact]
    public void A_reader_whose_reads_straddle_a_takeover_cannot_take_the_segment_from_the_live_taker()
    {
        SegmentHeader* h = NewHeader(DeadCreator);
        try
        {
            // B reads the pid word, then A takes over completely, then B reads the start time: a mixed pair.
            int pidSeenByB = h->CreatorPid;
            Assert.True(CreatorField.TryClaim(h, CreatorField.Read(h), A));
            CreatorField.Publish(h, A);
            var straddled = new CreatorIdentity(pidSeenByB, h->CreatorStartTime);
            Assert.False(Alive(straddled)); // the dead pid: judged dead, rightly so

            Assert.False(CreatorField.TryClaim(h, straddled, B));
            Assert.Equal((A.Pid, A.StartTime), (CreatorField.Read(h).Pid, CreatorField.Read(h).StartTime));
        }
        finally
        {
            NativeMemory.Free(h);
        }
    }

    [Fact]
    public void A_pid_that_came_back_as_a_live_taker_is_given_its_word_back()
    {
        SegmentHeader* h = NewHeader(DeadCreator);
        try
        {
            CreatorIdentity seenByB = CreatorField.Read(h);
            Assert.False(Alive(seenByB));

            // A new process gets the dead creator's pid, takes the segment over and publishes itself, all before B swaps.
            var reborn = new ProcessIdentity(DeadCreator.Pid, 9_000);
            _running[reborn.Pid] = reborn.StartTime;
            Assert.True(CreatorField.TryClaim(h, CreatorField.Read(h), reborn));
            CreatorField.Publish(h, reborn);

            Assert.False(CreatorField.TryClaim(h, seenByB, B));
            CreatorIdentity now = CreatorField.Read(h);
            Assert.Equal((reborn.Pid, reborn.StartTime), (now.Pid, now.StartTime));
            Assert.True(Alive(now));
        }
        finally
        {
            NativeMemory.Free(h);
        }
    }

    [Fact]
    public void Minus_one_left_by_an_earlier_runtime_names_no_process_and_is_taken_over()
    {
        SegmentHeader* h = NewHeader(DeadCreator);
        try
        {
            h->CreatorPid = -1; // an earlier runtime's taker died between its two writes
            CreatorIdentity seen = CreatorField.Read(h);
            Assert.False(seen.IsClaim);
            Assert.False(Alive(seen));
            Assert.True(CreatorField.TryClaim(h, seen, A));
        }
        finally
        {
            NativeMemory.Free(h);
        }
    }

    [Fact]
    public void A_live_creator_is_never_claimed_from_a_read_of_it()
    {
        SegmentHeader* h = NewHeader(A);
        try
        {
            CreatorIdentity seen = CreatorField.Read(h);
            Assert.True(Alive(seen));
            // The protocol trusts the caller's judgement; what keeps a live creator is that it is judged alive, and a
            // stale judgement of it (read before it published) fails its swap:
            var before = new CreatorIdentity(DeadCreator.Pid, DeadCreator.StartTime);
            Assert.False(CreatorField.TryClaim(h, before, B));
            Assert.Equal(A.Pid, CreatorField.Read(h).Pid);
        }
        finally
        {
            NativeMemory.Free(h);
        }
    }
}
