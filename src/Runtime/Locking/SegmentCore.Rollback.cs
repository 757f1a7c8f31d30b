using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using SharedStruct.Format;

namespace SharedStruct.Locking;

/// <summary>
/// Crash-atomic segments (<see cref="SharedSegmentOptions.RollbackOnCrash"/>): two committed copies of the payload
/// behind the working one, a release that publishes, a recovery that rolls back, and reads that never wait for a writer.
/// </summary>
/// <remarks>
/// <para>
/// Layout: the working payload (what guards and <c>GetUnsynchronizedReference</c> see), then committed copies 0 and 1,
/// each <see cref="SegmentHeader.CommitStride"/> bytes apart. <see cref="SegmentHeader.CommitWord"/> counts publishes; the
/// copy in use is the count's parity. A publish, made by the lock holder, writes the other copy and only then bumps the
/// count with a release store: a holder that dies half-way through a publish leaves the count, and so the copy in use,
/// untouched. A publish never writes the copy in use, so a recovering <c>Lock</c> always restores a whole state.
/// </para>
/// <para>
/// Readers check the count before and after copying the copy in use (a sequence lock on the commit count, not on the
/// lock word): the copy they read is written again only by the publish after next, which starts after the next publish
/// moved the count, so an unchanged count proves the copy whole. A holder that keeps the lock for a second publishes
/// nothing meanwhile, so readers neither retry nor wait for it; a dead holder does not stop them either.
/// </para>
/// <para>
/// Ordering: the copy and the count are written by the holder only, so plain loads of the count suffice there. The
/// count's release store orders the copy before it. Writes of a later publish come after a later acquire (a full
/// fence: x64's CAS, arm64's barrier in AfterAcquire), so they cannot pass the count's store either.
/// </para>
/// <para>
/// The default mode pays nothing for this: its release runs the same instructions as before (this mode's Exit word,
/// <see cref="_plainReleaseWord"/>, is the gone word, so the fast path's existing compare fails and diverts it to
/// <see cref="ExitPublishing"/>), the fast acquire needs no change (a free lock means the last holder published), and the
/// one new test on recovery is on the slow path.
/// </para>
/// </remarks>
internal sealed unsafe partial class SegmentCore
{
    /// <summary>This segment keeps committed copies (from its header; fixed for the segment's life).</summary>
    private readonly bool _rollback;
    /// <summary>Committed copy 0 (copy 1 follows <see cref="_commitStride"/> bytes later); null in the default mode.</summary>
    private byte* _committed;
    private readonly long _commitStride;

    /// <summary>Whether this segment rolls a dead holder's writes back (and reads committed copies).</summary>
    public bool RollsBack => _rollback;

    /// <summary>The creator's initial payload becomes committed copy 0 (count 0), before the segment is ready.</summary>
    private void PublishInitial()
    {
        Buffer.MemoryCopy(_payload, _committed, PayloadSize, PayloadSize);
        Volatile.Write(ref _header->CommitWord, 0UL);
    }

    /// <summary>The release of a crash-atomic segment: publish the payload as committed, then release as the default mode does.</summary>
    /// <remarks>Inlined into <see cref="ExitRest"/> (itself never inlined): one call from the guard's Dispose, as in the default mode's slow release.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ExitPublishing(ulong held)
    {
        ulong* lockWord = _releaseWord;
        if (lockWord == GoneWord)
        {
            // The view is gone (nothing of it can be touched): as the default mode's release in that case.
            if (_disposeDeferred != 0)
                FinishDeferredDispose();
            return;
        }
        // Never publish over another holder's state: a holder judged dead whose lock was taken over must not commit.
        if ((Volatile.Read(ref *lockWord) & ~(ulong)LockWord.Waiters) != held)
            throw TakenOver();
        Publish(held);
        // From here on as the default mode's Exit: one plain store when nobody sleeps or watches.
        if (WatchersOf(lockWord) == 0 && Volatile.Read(ref *lockWord) == held)
        {
            Volatile.Write(ref *lockWord, LockWord.Released(held));
            if (_disposeDeferred != 0)
                FinishDeferredDispose();
            return;
        }
        ExitReleasing(lockWord, held);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Publish(ulong held)
    {
        SegmentHeader* header = _header;
        uint count = (uint)header->CommitWord + 1; // only holders write it, and this one holds the lock
        byte* target = _committed + (count & 1) * _commitStride;
        Buffer.MemoryCopy(_payload, target, PayloadSize, PayloadSize);
        Volatile.Write(ref header->CommitWord, (held & LockWord.GenerationMask) | count);
    }

    /// <summary>A recovery: the payload becomes the last committed state again, whatever the dead holder had written.</summary>
    private void RestoreCommitted()
    {
        ulong commit = Volatile.Read(ref _header->CommitWord);
        byte* source = _committed + ((uint)commit & 1) * _commitStride;
        Buffer.MemoryCopy(source, _payload, PayloadSize, PayloadSize);
    }

    /// <summary>
    /// A snapshot of the last committed state. Retries only while publishes land during the copy; a writer holding the
    /// lock (or dead holding it) publishes nothing and so delays nothing.
    /// </summary>
    /// <returns>False when publishes kept landing during every copy for the whole timeout.</returns>
    private bool TryReadCommitted(byte* destination, int timeoutMs, out ulong version)
    {
        long start = 0;
        for (int attempt = 0; ; attempt++)
        {
            if (TryCopyCommittedOnce(_header, _committed, _commitStride, destination, PayloadSize, out ulong commit))
            {
                version = ComposeVersion(commit & LockWord.GenerationMask, Volatile.Read(ref _header->LockFreeChanges));
                return true;
            }
            if (attempt == 0)
            {
                NoteSnapshotRetry();
                start = Stopwatch.GetTimestamp();
            }
            else if (timeoutMs != Timeout.Infinite && Stopwatch.GetElapsedTime(start).TotalMilliseconds >= timeoutMs)
            {
                version = 0;
                return false;
            }
            if (_lockWord == null)
                ThrowDisposed();
        }
    }

    /// <summary>One attempt: copies the committed copy in use and reports whether no publish completed meanwhile.</summary>
    internal static bool TryCopyCommittedOnce(SegmentHeader* header, byte* committed, long stride, byte* destination, long size, out ulong commit)
    {
        commit = Volatile.Read(ref header->CommitWord);
        Buffer.MemoryCopy(committed + ((uint)commit & 1) * stride, destination, size, size);
        // The copy's loads must complete before the second read of the count (as in TryCopyOnce).
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref header->CommitWord) == commit;
    }

    /// <summary>The version a crash-atomic segment shows: that of its last publish (a held lock changes nothing readers see).</summary>
    private ulong CommittedVersion(SegmentHeader* header) =>
        ComposeVersion(Volatile.Read(ref header->CommitWord) & LockWord.GenerationMask, Volatile.Read(ref header->LockFreeChanges));

    private SynchronizationLockException TakenOver() =>
        new($"The lock of segment '{Name}' was taken over by another process while this guard held it (it judged this holder dead). Data written under this guard may be lost.");
}
