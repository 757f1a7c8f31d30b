using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Threading;
using SharedStruct.Format;

namespace SharedStruct.Locking;

/// <summary>
/// Crash-atomic segments (<see cref="SharedSegmentOptions.RollbackOnCrash"/>): a backup of the payload taken when the
/// lock is acquired, a recovery that restores it, and reads that never wait for a writer.
/// </summary>
/// <remarks>
/// <para>
/// Layout: the working payload (what guards and <c>GetUnsynchronizedReference</c> see), then one backup copy
/// <see cref="SegmentHeader.BackupStride"/> bytes later. <see cref="SegmentHeader.BackupWord"/> says whose backup it is:
/// the lock generation of the holding that took it, and whether it is whole yet.
/// </para>
/// <para>
/// Backup on acquire: right after its acquiring CAS, a holder marks the backup as its own and being copied, copies the
/// payload into it, and marks it whole; only then does its critical section write the payload. The payload is the
/// committed state whenever the lock is free, so a release stays the default mode's release, and the copy reads a
/// payload nobody has just written (a copy right after the section's writes would wait for them in the store buffer:
/// a wide load cannot take its bytes from a narrower pending store).
/// </para>
/// <para>
/// Recovery: a holder that died after its backup was whole may have half-written the payload. Whoever finds it dead
/// first marks its backup as a dead holder's (<see cref="SegmentHeader.BackupOfDeadHolder"/>), then takes the lock
/// over: between that CAS and the restore, readers must not mistake the half-written payload for the state before a
/// new holding. The new holder makes the backup its own (still whole) and copies it back. One that died before its
/// backup was whole had not written anything yet, and the next holder just takes a backup of its own. A recoverer
/// that dies before or while restoring leaves a marked or owned whole backup, and is rolled back from it in turn.
/// </para>
/// <para>
/// Readers copy the committed state without taking the lock: the backup while the lock is held and the backup is its
/// holder's and whole, or a dead holder's; the payload otherwise (the lock is free, or its holder has not written
/// anything yet). The lock word and the backup word unchanged after the copy prove it whole: the payload is written
/// only by a holder whose backup is whole (or a recoverer, which marked the backup first), the backup only by an
/// acquire, which first marks it as its own and being copied.
/// A holder that keeps the lock for a second, or died holding it, changes neither word, so readers neither retry nor
/// wait for it.
/// </para>
/// <para>
/// Ordering: the backup word is written by holders only. x64 keeps stores in order, and its acquiring CAS is a full
/// fence; arm64 gets a barrier after each mark, so the copy's stores (or the section's) cannot pass it.
/// </para>
/// <para>
/// The default mode pays nothing for this: its acquire and release run the same instructions as before. A crash-atomic
/// segment's fast acquire reads <see cref="BusyWord"/>, which never looks free, so it falls through to the one new test
/// on the fast path's failure branch and on to <see cref="TryEnterBackingUp"/>.
/// </para>
/// </remarks>
internal sealed unsafe partial class SegmentCore
{
    /// <summary>This segment keeps a backup (from its header; fixed for the segment's life).</summary>
    private readonly bool _rollback;
    /// <summary>The backup copy of the payload; null in the default mode.</summary>
    private byte* _backup;

    /// <summary>Whether this segment rolls a dead holder's writes back (and reads committed state).</summary>
    public bool RollsBack => _rollback;

    /// <summary>The creator's initial payload becomes a whole backup of generation 0, which is never a holder's.</summary>
    private void BackUpInitial()
    {
        Buffer.MemoryCopy(_payload, _backup, PayloadSize, PayloadSize);
        Volatile.Write(ref _header->BackupWord, SegmentHeader.BackupWhole);
    }

    /// <summary>A crash-atomic segment's uncontended acquire: the default mode's CAS, then the backup.</summary>
    /// <remarks>
    /// Reached from <see cref="TryEnterFast"/> when its word is <see cref="BusyWord"/>: one call more than the default
    /// mode's acquire.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryEnterBackingUp(out ulong acquired)
    {
        ulong* lockWord = _lockWord;
        if (lockWord == null)
            ThrowDisposed();
        if (!TryTakeFree(lockWord, out acquired))
            return false;
        BackUp(acquired);
        return true;
    }

    /// <summary>Takes the backup for the holding that acquired <paramref name="acquired"/>, before it writes anything.</summary>
    private void BackUp(ulong acquired)
    {
        SegmentHeader* header = _header;
        ulong generation = acquired & LockWord.GenerationMask;
        Volatile.Write(ref header->BackupWord, generation); // this holding's, being copied
        if (ArmBase.Arm64.IsSupported)
            Interlocked.MemoryBarrier();
        Buffer.MemoryCopy(_payload, _backup, PayloadSize, PayloadSize);
        Volatile.Write(ref header->BackupWord, generation | SegmentHeader.BackupWhole);
        if (ArmBase.Arm64.IsSupported)
            Interlocked.MemoryBarrier();
    }

    /// <summary>
    /// Before the CAS that takes the lock over from the dead holder whose word is <paramref name="deadWord"/>: if its
    /// backup is whole, it may have written the payload since, so the backup word says so (<see
    /// cref="SegmentHeader.BackupOfDeadHolder"/>) before the lock word changes hands. From then on readers take the
    /// backup, and so does the recovery, even if this process dies before its own restore begins.
    /// </summary>
    private void MarkBackupOfDeadHolder(ulong deadWord)
    {
        ulong whole = (deadWord & LockWord.GenerationMask) | SegmentHeader.BackupWhole;
        // A CAS: another process recovering the same holder may have marked it already, or taken the lock over and
        // written a backup of its own, which this must not overwrite.
        Interlocked.CompareExchange(ref _header->BackupWord, whole | SegmentHeader.BackupOfDeadHolder, whole);
    }

    /// <summary>
    /// A recovery from the holder whose word was <paramref name="deadWord"/>, right after the CAS that took the lock
    /// over as <paramref name="acquired"/>: the payload becomes the last committed state again, whatever that holder had
    /// written, and the backup becomes this holding's.
    /// </summary>
    private void RollBack(ulong deadWord, ulong acquired)
    {
        SegmentHeader* header = _header;
        if (!SegmentHeader.BackupIsCommitted(Volatile.Read(ref header->BackupWord), deadWord))
        {
            // It died before its backup was whole, so before writing anything: the payload is the committed state.
            BackUp(acquired);
            return;
        }
        // Its backup is whole (marked as a dead holder's before the takeover, or by a recoverer that died in turn) and
        // it may have written since. The backup becomes this holding's, still whole, before the restore starts: readers
        // keep reading it meanwhile, and if this holder dies mid-restore the next one restores from it again.
        Volatile.Write(ref header->BackupWord, (acquired & LockWord.GenerationMask) | SegmentHeader.BackupWhole);
        if (ArmBase.Arm64.IsSupported)
            Interlocked.MemoryBarrier();
        Buffer.MemoryCopy(_backup, _payload, PayloadSize, PayloadSize);
    }

    /// <summary>
    /// A snapshot of the last committed state. Retries only while a lock or a backup changes hands during the copy; a
    /// writer holding the lock (or dead holding it) changes neither and so delays nothing.
    /// </summary>
    /// <returns>False when such changes kept landing during every copy for the whole timeout.</returns>
    private bool TryReadCommitted(byte* destination, int timeoutMs, out ulong version)
    {
        long start = 0;
        for (int attempt = 0; ; attempt++)
        {
            // Read before the copy, as in the default mode's read (lock-free writes take the lock in this mode anyway).
            uint lockFree = Volatile.Read(ref _header->LockFreeChanges);
            if (TryCopyCommittedOnce(_header, _payload, _backup, destination, PayloadSize, out ulong word))
            {
                version = ComposeVersion(word, lockFree);
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

    /// <summary>
    /// One attempt: copies the committed state (the payload or the backup, see the remarks on this class) and reports
    /// whether the lock word and the backup word stayed the same meanwhile. <paramref name="word"/> is the lock word seen.
    /// </summary>
    internal static bool TryCopyCommittedOnce(SegmentHeader* header, byte* payload, byte* backup, byte* destination, long size, out ulong word)
    {
        word = Volatile.Read(ref header->LockWord) & ~(ulong)LockWord.Waiters;
        ulong backupWord = Volatile.Read(ref header->BackupWord);
        bool fromBackup = !LockWord.IsFree(word) && SegmentHeader.BackupIsCommitted(backupWord, word);
        Buffer.MemoryCopy(fromBackup ? backup : payload, destination, size, size);
        // The copy's loads must complete before the second reads (as in TryCopyOnce).
        Interlocked.MemoryBarrier();
        return (Volatile.Read(ref header->LockWord) & ~(ulong)LockWord.Waiters) == word && Volatile.Read(ref header->BackupWord) == backupWord;
    }
}
