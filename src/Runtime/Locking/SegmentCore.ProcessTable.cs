using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>The process table: one row per attached process, which lock owner tokens name.</summary>
internal sealed unsafe partial class SegmentCore
{
    private ProcessSlot* Slot(int index) => (ProcessSlot*)((byte*)_header + SegmentHeader.SlotTableOffset) + index;

    private (int Index, uint Token, ulong Owner) ClaimSlot()
    {
        ProcessIdentity me = _platform.CurrentProcess;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < SegmentHeader.SlotCount; i++)
            {
                ProcessSlot* slot = Slot(i);
                ulong owner = Volatile.Read(ref slot->Owner);
                int pid = (int)owner;
                // First pass takes free rows; the second reclaims rows of processes that died without closing.
                bool take = pass == 0 ? pid == 0 : pid > 0 && !_platform.IsAlive(pid, slot->StartTime);
                if (!take)
                    continue;
                uint incarnation = ((uint)(owner >> 32) + 1) & LockWord.IncarnationMask;
                ulong claiming = ((ulong)incarnation << 32) | 0xFFFF_FFFFu; // pid -1: being claimed
                if (Interlocked.CompareExchange(ref slot->Owner, claiming, owner) != owner)
                    continue;
                slot->StartTime = me.StartTime;
                ulong mine = ((ulong)incarnation << 32) | (uint)me.Pid;
                Volatile.Write(ref slot->Owner, mine);
                return (i, LockWord.MakeToken(i, incarnation), mine);
            }
        }
        throw new InvalidOperationException($"Segment '{Name}' already has {SegmentHeader.SlotCount} live processes attached; close some before opening it again.");
    }

    /// <summary>The process that owns <paramref name="token"/>, and whether it can still release the lock.</summary>
    internal (int Pid, bool Alive) Holder(uint token) => HolderOf((byte*)_header, token, _platform);

    /// <summary>
    /// Resolves a lock token through the process table of the segment at <paramref name="segment"/>. A row that was
    /// released or reclaimed since (another incarnation) means the holder closed the segment or died.
    /// </summary>
    internal static (int Pid, bool Alive) HolderOf(byte* segment, uint token, IPlatform platform)
    {
        int index = LockWord.SlotIndex(token);
        if (index < 0 || index >= SegmentHeader.SlotCount)
            return (0, false); // a token no process table row can own: the word was corrupted
        ProcessSlot* slot = (ProcessSlot*)(segment + SegmentHeader.SlotTableOffset) + index;
        ulong owner = Volatile.Read(ref slot->Owner);
        int pid = (int)owner;
        if (((uint)(owner >> 32) & LockWord.IncarnationMask) != LockWord.Incarnation(token) || pid == 0)
            return (pid, false);
        if (pid == -1)
            return (pid, true); // being claimed this instant
        return (pid, platform.IsAlive(pid, slot->StartTime));
    }
}
