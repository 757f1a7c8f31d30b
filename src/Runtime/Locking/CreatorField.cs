using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>One read of the header's creator field: the pid word and the start time beside it.</summary>
internal readonly struct CreatorIdentity
{
    public CreatorIdentity(int field, long startTime)
    {
        Field = field;
        StartTime = startTime;
    }

    /// <summary>The pid word as read: the creator's pid, or minus the pid of a taker that claimed the segment and has not published itself yet.</summary>
    public int Field { get; }

    /// <summary>The start time as read; the creator's own only when the field is not a claim.</summary>
    public long StartTime { get; }

    /// <summary>
    /// A taker's claim. -1 is not one: a runtime before this protocol wrote -1 for a moment while taking over, and a
    /// -1 left by a taker that died there names no process, so it is judged dead as before.
    /// </summary>
    public bool IsClaim => Field < -1;

    /// <summary>The process to show, and to ask about.</summary>
    public int Pid => IsClaim ? -Field : Field;

    /// <summary>
    /// The start time to judge <see cref="Pid"/> by: none (0: any process with that pid is alive) for a claim, whose
    /// taker may not have written its start time yet.
    /// </summary>
    public long StartTimeToJudge => IsClaim ? 0 : StartTime;
}

/// <summary>
/// How an opener takes a segment over from a creator that died while initialising it, where the init marker cannot
/// decide between openers (macOS: <see cref="Platform.MacOS.PidMarkers"/> has no kernel-held marker, so every opener
/// "holds" it) and the creator field must. On Linux and Windows the init marker lets one opener through, and this
/// protocol runs uncontended, with the same header writes.
/// </summary>
/// <remarks>
/// <para>The creator is the pair (pid, start time), in two header words that no one compare-and-swap can change
/// together (the format predates this, and the pid word's neighbour is the slot count). The pid word is therefore the
/// one place where ownership changes hands, in one compare-and-swap straight from the dead creator's pid to the
/// taker's <em>claim</em>, minus its pid:</para>
/// <list type="number">
/// <item>An opener reads the pid word, then the start time (<see cref="Read"/>), and asks whether that process lives.</item>
/// <item>If it is dead, the opener swaps the word from exactly the value it judged to its claim
/// (<see cref="TryClaim"/>). Of all openers that judged the same creator dead, one wins; the others find the word
/// moved and wait. Nothing is written before the swap, so a loser leaves no trace.</item>
/// <item>The winner clears and writes the header, then publishes itself (<see cref="Publish"/>): its start time, then its
/// pid by a release store. A reader that reads the published pid (acquire) and then the start time gets the winner's
/// own pair, never the pid with the dead creator's start time.</item>
/// </list>
/// <para>A claim is judged by its pid alone (alive while a process with that pid runs): its start time may be half
/// written. A taker that dies before publishing leaves its claim, which the next opener judges dead and takes over
/// the same way. A reader whose two reads straddle a takeover pairs the old pid with a newer start time; that pair is
/// judged dead, and its swap then fails because the word has moved on.</para>
/// <para>The one way a swap from a stale read succeeds is a pid that came back: a new process with the dead creator's
/// pid took the segment over and published itself between the read and the swap. Its start time differs from the
/// one judged, so the winner checks the start time after its swap and, if it changed, gives the word back.</para>
/// </remarks>
internal static unsafe class CreatorField
{
    /// <summary>The pid word, then the start time: the order <see cref="Publish"/> relies on.</summary>
    public static CreatorIdentity Read(SegmentHeader* h)
    {
        int field = Volatile.Read(ref h->CreatorPid);
        long startTime = Volatile.Read(ref h->CreatorStartTime);
        return new CreatorIdentity(field, startTime);
    }

    /// <summary>
    /// Claims the segment for <paramref name="me"/> from the creator read as <paramref name="dead"/>, which the caller
    /// judged dead. False when another opener claimed it first or the field moved on since it was read.
    /// </summary>
    public static bool TryClaim(SegmentHeader* h, CreatorIdentity dead, ProcessIdentity me)
    {
        int claim = -me.Pid;
        if (Interlocked.CompareExchange(ref h->CreatorPid, claim, dead.Field) != dead.Field)
            return false;
        if (Volatile.Read(ref h->CreatorStartTime) != dead.StartTime)
        {
            // The pid came back: a later process with the same pid published itself after the read. It is not the
            // creator that was judged dead; give it its word back. (No one else swaps a live claim away meanwhile.)
            Interlocked.CompareExchange(ref h->CreatorPid, dead.Field, claim);
            return false;
        }
        return true;
    }

    /// <summary>Makes <paramref name="me"/> the creator: the start time first, then the pid by a release store.</summary>
    public static void Publish(SegmentHeader* h, ProcessIdentity me)
    {
        Volatile.Write(ref h->CreatorStartTime, me.StartTime);
        Volatile.Write(ref h->CreatorPid, me.Pid);
    }
}
