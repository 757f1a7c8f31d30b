using System;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>
/// The process table: one row per writable view, which lock owner tokens name. A row's owner is alive exactly while the
/// row keeps the token's incarnation and its kernel-held marker is held (<see cref="ProcessMarkers"/>); the process id
/// in the row is only shown to people.
/// </summary>
internal sealed unsafe partial class SegmentCore
{
    private const ulong ClaimingPid = 0xFFFF_FFFFu;

    private ProcessSlot* Slot(int index) => (ProcessSlot*)((byte*)_header + SegmentHeader.SlotTableOffset) + index;

    private (int Index, uint Token, ulong Owner) ClaimSlot()
    {
        ProcessIdentity me = _platform.CurrentProcess;
        // The row the lock word names is kept while another is free: if its owner died holding the lock, the row still
        // says which process that was when the lock is recovered (and tools show it until then).
        ulong word = Volatile.Read(ref _header->LockWord);
        int keep = LockWord.IsFree(word) ? -1 : LockWord.SlotIndex(LockWord.Token(word));
        for (int n = 0; n < SegmentHeader.SlotCount + 1; n++)
        {
            int i = n < SegmentHeader.SlotCount ? n : keep; // the kept row only as the last resort
            if (i < 0 || (i == keep && n < SegmentHeader.SlotCount))
                continue;
            ProcessSlot* slot = Slot(i);
            ulong owner = Volatile.Read(ref slot->Owner);
            int pid = (int)owner;
            uint incarnation = (uint)(owner >> 32);
            // A row in use by a live view (or being claimed by one) is skipped; a released row, or one whose owner died
            // without closing, is taken. Holding the marker first proves the previous owner is gone.
            if (pid != 0 && _markers.IsSlotHeld(i, incarnation & LockWord.IncarnationMask, pid, slot->StartTime))
                continue;
            uint next = (incarnation + 1) & LockWord.IncarnationMask;
            if (!_markers.TryHoldSlot(i, next))
                continue;
            ulong claiming = ((ulong)next << 32) | ClaimingPid;
            if (Interlocked.CompareExchange(ref slot->Owner, claiming, owner) != owner)
            {
                _markers.ReleaseSlot(i, next);
                continue;
            }
            slot->StartTime = me.StartTime;
            slot->PidNamespace = me.PidNamespace;
            slot->AttachedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            // Published only now, with the marker already held: nobody can see this row's owner as dead while it lives.
            ulong mine = ((ulong)next << 32) | (uint)me.Pid;
            Volatile.Write(ref slot->Owner, mine);
            return (i, LockWord.MakeToken(i, next), mine);
        }
        throw new InvalidOperationException($"Segment '{Name}' already has {SegmentHeader.SlotCount} live writable views attached; close some before opening it again.");
    }

    /// <summary>The process that owns <paramref name="token"/>, and whether it can still release the lock.</summary>
    internal (int Pid, bool Alive) Holder(uint token)
    {
        // This view's own marker cannot be probed through its own descriptor (an owner never conflicts with itself).
        if (token == _token && _token != 0)
            return (Environment.ProcessId, true);
        return HolderOf((byte*)_header, token, _markers);
    }

    /// <summary>
    /// Resolves a lock token through the process table of the segment at <paramref name="segment"/>, asking the owner's
    /// marker through <paramref name="markers"/> (any view of the same segment, read-only ones included). A row that
    /// was released or reclaimed since (another incarnation) means the holder closed the segment or died.
    /// </summary>
    internal static (int Pid, bool Alive) HolderOf(byte* segment, uint token, ProcessMarkers markers)
    {
        int index = LockWord.SlotIndex(token);
        if (index < 0 || index >= SegmentHeader.SlotCount)
            return (0, false); // a token no process table row can own: the word was corrupted
        ProcessSlot* slot = (ProcessSlot*)(segment + SegmentHeader.SlotTableOffset) + index;
        ulong owner = Volatile.Read(ref slot->Owner);
        int pid = (int)owner;
        uint incarnation = (uint)(owner >> 32) & LockWord.IncarnationMask;
        if (incarnation != LockWord.Incarnation(token) || pid == 0)
            return (pid, false);
        return (pid, markers.IsSlotHeld(index, incarnation, pid, slot->StartTime));
    }

    /// <summary>Whether the writable view named by <paramref name="token"/> is alive (for the creator shown by tools).</summary>
    internal static bool IsTokenAlive(byte* segment, uint token, ProcessMarkers markers) =>
        token != 0 && HolderOf(segment, token, markers).Alive;
}
