using System;
using System.Diagnostics;
using System.Threading;

namespace SharedStruct.Locking;

/// <summary>Lock-free consistent reads: the lock word's generation serves as a sequence lock.</summary>
internal sealed unsafe partial class SegmentCore
{
    /// <summary>
    /// Copies the payload without taking the lock: the generation in the lock word tells whether a writer took the
    /// lock meanwhile (a sequence lock). Works on read-only mappings, which cannot write the lock word.
    /// </summary>
    /// <param name="destination">Where the copy goes: <see cref="PayloadSize"/> bytes.</param>
    /// <param name="timeoutMs">How long a live writer may keep the lock before this gives up; -1 for ever.</param>
    /// <param name="mayBeTorn">
    /// True when the lock's holder died mid-write: the copy is the payload as that holder left it (whole, but perhaps
    /// half-updated) until a writer recovers the lock. A reader cannot recover it (it may not write), so it says so
    /// instead of failing.
    /// </param>
    /// <returns>False on timeout: a live writer held the lock the whole time.</returns>
    public bool TryReadConsistent(byte* destination, int timeoutMs, out bool mayBeTorn) =>
        TryReadConsistent(destination, timeoutMs, out mayBeTorn, out _);

    /// <summary>Like <see cref="TryReadConsistent(byte*, int, out bool)"/>, also giving the <see cref="Version"/> the copy shows.</summary>
    public bool TryReadConsistent(byte* destination, int timeoutMs, out bool mayBeTorn, out ulong version)
    {
        using var _ = SlowUse();
        return TryReadConsistentCore(destination, timeoutMs, out mayBeTorn, out version);
    }

    private bool TryReadConsistentCore(byte* destination, int timeoutMs, out bool mayBeTorn, out ulong version)
    {
        mayBeTorn = false;
        version = 0;
        ulong* lockWord = _lockWord;
        if (lockWord == null)
            ThrowDisposed();
        // A crash-atomic segment's readers read the committed state (the backup while a section is open): never torn, and no writer to wait for.
        if (_rollback)
            return TryReadCommitted(destination, timeoutMs, out version);
        long start = Stopwatch.GetTimestamp();
        ulong lastSeen = 0;
        long lastChange = start;
        long nextLivenessCheck = 0;
        var spinner = new SpinWait();
        for (int attempt = 0; ; attempt++)
        {
            if (attempt == 1)
                NoteSnapshotRetry();
            // Read before the copy: a lock-free write during it then shows as a change still to come, never as one missed.
            uint lockFree = Volatile.Read(ref _header->LockFreeChanges);
            if (TryCopyOnce(_payload, destination, PayloadSize, lockWord, out ulong before))
            {
                version = ComposeVersion(before, lockFree);
                return true;
            }
            long now = Stopwatch.GetTimestamp();
            ulong clean = before & ~(ulong)LockWord.Waiters;
            if (clean != (lastSeen & ~(ulong)LockWord.Waiters))
            {
                lastSeen = before;
                lastChange = now;
                // A reader that waits is a waiter too: note when it first saw this holding, as a waiting writer does,
                // so tools can say how long the lock has been held. A read-only mapping cannot write the header.
                if (!LockWord.IsFree(before) && !IsReadOnly)
                    NoteHeld(before);
            }
            // The same rule as a waiting writer: judge the holder only after the word has stood still for a while.
            if (!LockWord.IsFree(before) && Stopwatch.GetElapsedTime(lastChange, now).TotalMilliseconds >= LivenessQuietMs && now >= nextLivenessCheck)
            {
                nextLivenessCheck = now + Stopwatch.Frequency * LivenessIntervalMs / 1000;
                if (!Holder(LockWord.Token(before)).Alive && TryCopyUnder(before, destination, lockWord))
                {
                    mayBeTorn = true;
                    version = ComposeVersion(before, lockFree);
                    return true;
                }
            }
            if (timeoutMs != Timeout.Infinite && Stopwatch.GetElapsedTime(start, now).TotalMilliseconds >= timeoutMs)
                return false;
            if (_lockWord == null)
                ThrowDisposed();
            spinner.SpinOnce();
        }
    }

    /// <summary>
    /// Counts a snapshot read that had to try again, once per read (a writable view can write the header; a read-only
    /// one cannot, so its retries show in this process's metrics only).
    /// </summary>
    private void NoteSnapshotRetry()
    {
        if (!IsReadOnly && _header != null)
            Interlocked.Increment(ref _header->SnapshotRetries);
        Metrics?.SnapshotRetried(this);
    }

    /// <summary>Copies the payload while the lock word stays <paramref name="held"/> (a dead holder's): a whole copy of what it left.</summary>
    private bool TryCopyUnder(ulong held, byte* destination, ulong* lockWord)
    {
        if ((Volatile.Read(ref *lockWord) & ~(ulong)LockWord.Waiters) != (held & ~(ulong)LockWord.Waiters))
            return false;
        Buffer.MemoryCopy(_payload, destination, PayloadSize, PayloadSize);
        Interlocked.MemoryBarrier();
        return (Volatile.Read(ref *lockWord) & ~(ulong)LockWord.Waiters) == (held & ~(ulong)LockWord.Waiters);
    }

    /// <summary>
    /// One attempt of the sequence-lock read: copies the payload if the lock is free, and reports whether no writer took
    /// the lock meanwhile. <paramref name="observed"/> is the lock word seen before the copy.
    /// </summary>
    internal static bool TryCopyOnce(byte* payload, byte* destination, long size, ulong* lockWord, out ulong observed)
    {
        observed = Volatile.Read(ref *lockWord);
        if (!LockWord.IsFree(observed))
            return false;
        Buffer.MemoryCopy(payload, destination, size, size);
        // Loads of the copy must complete before the second read of the word; Volatile.Read alone orders only later
        // accesses, so a full fence.
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref *lockWord) == observed;
    }
}
