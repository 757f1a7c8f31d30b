using System;
using System.Collections.Generic;

namespace SharedStruct;

/// <summary>A process in a segment's process table.</summary>
/// <param name="Pid">Its process id.</param>
/// <param name="IsAlive">Whether it still has the segment open (its kernel-held marker is held).</param>
public readonly record struct AttachedProcess(int Pid, bool IsAlive)
{
    /// <summary>True when <see cref="Pid"/> is another PID namespace's id (another container): it names nothing here.</summary>
    public bool InOtherPidNamespace { get; init; }
}

/// <summary>
/// What a segment's header says, read through a read-only mapping by <see cref="SegmentInspector"/>: for tools that
/// list, inspect and clean up segments without the struct's assembly.
/// </summary>
public sealed class SegmentInfo
{
    internal SegmentInfo(string name, string location) { Name = name; Location = location; }

    /// <summary>The segment name (for a file-backed segment, the file name).</summary>
    public string Name { get; }

    /// <summary>The file path or kernel object name.</summary>
    public string Location { get; }

    /// <summary>The size of the backing object in bytes.</summary>
    public long Size { get; internal set; }

    /// <summary>Null for a valid segment; otherwise why it is not one (foreign, truncated, corrupted, unfinished).</summary>
    public string? Problem { get; internal set; }

    /// <summary>Whether the header is a complete, valid SharedStruct header.</summary>
    public bool IsValid => Problem is null;

    /// <summary>The layout fingerprint.</summary>
    public ulong Fingerprint { get; internal set; }

    /// <summary>The payload size in bytes.</summary>
    public long PayloadSize { get; internal set; }

    /// <summary>The canonical layout description the creator stored, if any.</summary>
    public string? LayoutDescription { get; internal set; }

    /// <summary>The creating process.</summary>
    public int CreatorPid { get; internal set; }

    /// <summary>Whether the creating process still has the segment open.</summary>
    public bool CreatorAlive { get; internal set; }

    /// <summary>True when <see cref="CreatorPid"/> is another PID namespace's id.</summary>
    public bool CreatorInOtherPidNamespace { get; internal set; }

    /// <summary>
    /// Whether any process has the segment open now, writers and read-only readers alike, as the kernel says (where it
    /// can say: Linux). The inspecting process itself does not count.
    /// </summary>
    public bool Attached { get; internal set; }

    /// <summary>Whether read-only readers have the segment open now (Linux).</summary>
    public bool ReadersAttached { get; internal set; }

    /// <summary>When the segment was created.</summary>
    public DateTimeOffset CreatedAt { get; internal set; }

    /// <summary>The process holding the lock, or null when it is free.</summary>
    public int? HolderPid { get; internal set; }

    /// <summary>Whether the holder is alive; a dead holder's lock is recovered by the next <c>Lock</c>.</summary>
    public bool HolderAlive { get; internal set; }

    /// <summary>How long the holder has held the lock, at least; null when no waiter has observed it.</summary>
    public TimeSpan? HeldFor { get; internal set; }

    /// <summary>How many times the lock has been taken (wraps at 2^32).</summary>
    public uint LockGeneration { get; internal set; }

    /// <summary>How many times a dead holder's lock was taken over.</summary>
    public uint AbandonCount { get; internal set; }

    /// <summary>Lock statistics counted by every process that used the segment, kept in its header.</summary>
    public SegmentStatistics Statistics { get; internal set; } = new();

    /// <summary>The segment's change version (see <see cref="SharedSegment{T}.Version"/>).</summary>
    public ulong Version { get; internal set; }

    /// <summary>
    /// Segment objects registered as watchers, in all processes. A watcher that died may still be counted until a
    /// writer notices nobody holds the watching marker any more.
    /// </summary>
    public int Watchers { get; internal set; }

    /// <summary>The processes attached now (open handles), alive or dead.</summary>
    public IReadOnlyList<AttachedProcess> Processes { get; internal set; } = Array.Empty<AttachedProcess>();

    /// <summary>
    /// A consistent copy of the payload bytes (taken without the lock, retried if a writer intervened), or the bytes
    /// as they are when a dead holder left them mid-write. Null for an invalid segment.
    /// </summary>
    public byte[]? Payload { get; internal set; }

    /// <summary>
    /// True when <see cref="Payload"/> is not a consistent copy and may mix two states: a dead holder left the lock
    /// held (its bytes as it left them), a live holder kept it the whole time (<see cref="PayloadReadWhileHeld"/>), or
    /// writers changed the payload under every read attempt.
    /// </summary>
    public bool PayloadMayBeTorn { get; internal set; }

    /// <summary>The segment is crash-atomic (<see cref="SharedSegmentOptions.RollbackOnCrash"/>): <see cref="Payload"/> is its last committed state.</summary>
    public bool RollbackOnCrash { get; internal set; }

    /// <summary>
    /// True when <see cref="Payload"/> was copied while one process held the lock through every read attempt (it is
    /// alive, perhaps asleep inside its critical section): the bytes are what it had written so far, possibly mid-update.
    /// </summary>
    public bool PayloadReadWhileHeld { get; internal set; }

    /// <summary>
    /// True when no process has the segment open (no writer, no read-only reader) or holds its lock: nobody is using it.
    /// (Its creator may still run, having closed it.) A stale segment is safe to delete.
    /// </summary>
    public bool IsStale => IsValid && !Attached && !(HolderPid is not null && HolderAlive) && !HasLiveProcess();

    private bool HasLiveProcess()
    {
        foreach (AttachedProcess p in Processes)
            if (p.IsAlive)
                return true;
        return false;
    }
}

/// <summary>
/// Lock statistics of a segment, counted across every process that used it and kept in its header (they outlive the
/// processes). Counters only grow; a process of an older SharedStruct version does not count.
/// </summary>
public sealed class SegmentStatistics
{
    /// <summary>Lock acquisitions, contended or not.</summary>
    public ulong Acquisitions { get; internal set; }

    /// <summary>Acquisitions that had to wait (spin or sleep) because another holder had the lock.</summary>
    public ulong ContendedAcquisitions { get; internal set; }

    /// <summary>Total time the contended acquisitions waited.</summary>
    public TimeSpan TotalWait { get; internal set; }

    /// <summary>The longest wait of a contended acquisition.</summary>
    public TimeSpan MaxWait { get; internal set; }

    /// <summary>Lock waits that ended in a timeout.</summary>
    public ulong Timeouts { get; internal set; }

    /// <summary>Locks taken over from a holder that died.</summary>
    public ulong Recoveries { get; internal set; }

    /// <summary>When the last recovery happened, or null if none did.</summary>
    public DateTimeOffset? LastRecoveryAt { get; internal set; }

    /// <summary>The process id of the last dead holder recovered from (in its own PID namespace), or null.</summary>
    public int? LastRecoveredPid { get; internal set; }

    /// <summary>Lock-free snapshot reads by writable views that had to try again because a writer held or took the lock.</summary>
    public ulong SnapshotRetries { get; internal set; }
}
