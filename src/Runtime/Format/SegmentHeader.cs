using System.Runtime.InteropServices;

namespace SharedStruct.Format;

/// <summary>
/// The fixed part of a segment's header, at offset 0 of the mapping. Little-endian, explicit offsets: this is a
/// file format read by other processes and by tools, so it must not depend on the compiler's layout choices.
/// </summary>
/// <remarks>
/// Cache line 0 holds what is written once by the creator; line 1 the checksum and table offsets; line 2 the lock
/// word and what the lock writes, alone so that lock traffic does not bounce the identity fields or the payload.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct SegmentHeader
{
    public const int Size = 256;

    /// <summary>"SHSTRUCT" read as a little-endian integer.</summary>
    public const ulong MagicValue = 0x5443555254534853UL;
    public const uint CurrentFormatVersion = 2;
    /// <summary>
    /// The format of a crash-atomic segment (<see cref="FlagRollbackOnCrash"/>): version 2 plus <see cref="Flags"/>,
    /// <see cref="BackupWord"/> and a backup copy after the payload. A runtime that predates it refuses such a segment
    /// with its version message instead of misreading it; default segments stay version 2, byte for byte. (Version 3
    /// was the first crash-atomic format, which published two committed copies on release: its protocol and this one
    /// must never share a segment, so each refuses the other's.)
    /// </summary>
    public const uint RollbackFormatVersion = 4;

    /// <summary>The segment keeps a backup copy and rolls a dead holder's writes back (format version 4).</summary>
    public const uint FlagRollbackOnCrash = 1;

    public const uint StateInitializing = 0;
    public const uint StateReady = 1;
    /// <summary>The creator's initializer threw: openers waiting for this segment start over at once.</summary>
    public const uint StateFailed = 2;

    public const int DescriptionOffset = 256;
    public const int DescriptionCapacity = SlotTableOffset - DescriptionOffset;
    public const uint DescriptionNotStored = uint.MaxValue;
    public const int SlotTableOffset = 8192;
    public const int SlotCount = 512;
    public const int SlotSize = 32;

    /// <summary>The payload starts on a page boundary, hence on a 64-byte cache line of its own.</summary>
    public const int PayloadOffsetValue = SlotTableOffset + SlotCount * SlotSize;

    // ---- cache line 0: identity, written once by the creator ----
    [FieldOffset(0)] public ulong Magic;
    [FieldOffset(8)] public uint FormatVersion;
    [FieldOffset(12)] public uint State;
    [FieldOffset(16)] public ulong Fingerprint;
    [FieldOffset(24)] public ulong PayloadSize;
    [FieldOffset(32)] public uint PayloadOffset;
    [FieldOffset(36)] public uint DescriptionLength;
    [FieldOffset(40)] public int CreatorPid;
    [FieldOffset(44)] public uint SlotTableCount;
    [FieldOffset(48)] public long CreatorStartTime;
    [FieldOffset(56)] public long CreatedUnixMs;

    // ---- cache line 1 ----
    [FieldOffset(64)] public ulong Checksum;
    [FieldOffset(72)] public uint DescriptionStart;
    [FieldOffset(76)] public uint SlotTableStart;
    /// <summary>The process-table token of the process that created (or finished creating) the segment; not checksummed.</summary>
    [FieldOffset(80)] public uint CreatorToken;
    [FieldOffset(88)] public ulong CreatorPidNamespace;
    /// <summary>Mode flags (<see cref="FlagRollbackOnCrash"/>), written once by the creator; checksummed from format version 3 on.</summary>
    [FieldOffset(FlagsOffset)] public uint Flags;

    // ---- cache line 2: the lock ----
    /// <summary>Low 32 bits: owner token | waiters bit (0 = free). High 32 bits: generation, bumped by every acquire.</summary>
    [FieldOffset(LockWordOffset)] public ulong LockWord;
    [FieldOffset(140)] public uint AbandonCount;
    /// <summary>The lock word a waiter saw when it first found the lock held, and when (Unix ms).</summary>
    [FieldOffset(144)] public ulong HeldSinceWord;
    [FieldOffset(152)] public long HeldSinceUnixMs;
    [FieldOffset(160)] public int LastAbandonedPid;
    /// <summary>Waiters asleep in the kernel on the lock word (or about to be): a release wakes only when this is non-zero.</summary>
    [FieldOffset(164)] public int Sleepers;

    /// <summary>
    /// Lock statistics, counted across every process and kept with the segment. <see cref="Acquisitions"/> is bumped by
    /// each new holder with a plain store (it holds the lock, and this line is the lock word's, which it already owns);
    /// the others, from offset 192, are written on the slow path only.
    /// </summary>
    [FieldOffset(AcquisitionsOffset)] public ulong Acquisitions;

    /// <summary>
    /// Bumped (atomically) for every change while anyone watches; watchers sleep on it (a futex on Linux). Writers touch
    /// it only when <see cref="Watchers"/> is non-zero.
    /// </summary>
    [FieldOffset(ChangeWordOffset)] public uint ChangeWord;
    /// <summary>
    /// How many segment objects, in all processes, watch for changes. Read (plainly) by every release: zero keeps the
    /// release a single store. A watcher that died leaves its count behind; a writer whose wakes keep finding nobody
    /// asks the kernel-held watching marker and clears the count when no one holds it.
    /// </summary>
    [FieldOffset(WatchersOffset)] public int Watchers;
    /// <summary>Lock-free writes (generated <c>AddX</c>/<c>ExchangeX</c>/<c>CompareExchangeX</c>) made while someone watched: part of the version.</summary>
    [FieldOffset(184)] public uint LockFreeChanges;
    /// <summary>Watchers asleep in the kernel right now, or about to be (Windows skips the wake's system calls at zero).</summary>
    [FieldOffset(188)] public int ChangeSleepers;

    // ---- cache line 3: slow-path statistics ----
    /// <summary>Acquisitions that had to wait (spin or sleep): written by the new holder, under the lock.</summary>
    [FieldOffset(192)] public ulong ContendedAcquisitions;
    /// <summary>Total and longest wait of the contended acquisitions, in nanoseconds: written by the new holder, under the lock.</summary>
    [FieldOffset(200)] public ulong WaitNanosecondsTotal;
    [FieldOffset(208)] public ulong WaitNanosecondsMax;
    /// <summary>Lock waits that ended in a timeout (atomic: the waiter does not hold the lock).</summary>
    [FieldOffset(216)] public ulong Timeouts;
    /// <summary>When a dead holder's lock was last taken over (Unix ms); the pid is <see cref="LastAbandonedPid"/>, the count <see cref="AbandonCount"/>.</summary>
    [FieldOffset(224)] public long LastRecoveryUnixMs;
    /// <summary>Lock-free snapshot reads that had to try again because a writer held or took the lock (atomic; writable views only).</summary>
    [FieldOffset(232)] public ulong SnapshotRetries;

    // ---- crash-atomic segments only ----
    /// <summary>
    /// Whose the backup copy is: high 32 bits, the lock generation of the holding that took it (as in its lock word);
    /// low bits, <see cref="BackupWhole"/> once the copy is complete. Written by lock holders only (see
    /// SegmentCore.Rollback); readers check it before and after their copy. Not on the lock's line: readers poll it, and
    /// they must not bounce the line every acquire needs.
    /// </summary>
    [FieldOffset(BackupWordOffset)] public ulong BackupWord;

    /// <summary>The low bit of <see cref="BackupWord"/>: the backup copy is complete.</summary>
    public const ulong BackupWhole = 1;

    /// <summary>
    /// Bit 1 of <see cref="BackupWord"/>: a process found the holder whose whole backup this is dead, and is taking the
    /// lock over, so the payload may be half-written and the backup is the committed state, whoever holds the lock now.
    /// </summary>
    public const ulong BackupOfDeadHolder = 2;

    public const int LockWordOffset = 128;
    public const int AcquisitionsOffset = 168;
    public const int ChangeWordOffset = 176;
    public const int WatchersOffset = 180;
    public const int FlagsOffset = 96;
    public const int BackupWordOffset = 240;

    /// <summary>Bytes between the working payload and its backup copy: cache-line aligned, so the two never share a line.</summary>
    public static long BackupStride(long payloadSize) => (payloadSize + 63) & ~63L;

    /// <summary>The backup copy of a crash-atomic segment's <paramref name="payload"/>.</summary>
    public static byte* BackupOf(byte* payload, long payloadSize) => payload + BackupStride(payloadSize);

    /// <summary>
    /// Whether the backup, not the payload, holds the committed state while the lock is held as <paramref name="held"/>:
    /// the backup is that holding's and whole, or a dead holder's (see SegmentCore.Rollback).
    /// </summary>
    public static bool BackupIsCommitted(ulong backupWord, ulong held) =>
        (backupWord & BackupOfDeadHolder) != 0 || backupWord == ((held & Locking.LockWord.GenerationMask) | BackupWhole);

    /// <summary>Bytes the segment needs from offset 0: the header, the payload, and for a crash-atomic segment its backup copy.</summary>
    public static long RequiredLength(long payloadSize, bool rollbackOnCrash) =>
        PayloadOffsetValue + (rollbackOnCrash ? 2 * BackupStride(payloadSize) : payloadSize);

    public static bool RollsBack(SegmentHeader* header) => (header->Flags & FlagRollbackOnCrash) != 0;
}

/// <summary>
/// One row of the process table: a writable view attached to the segment. Lock owner tokens name a row (index and
/// incarnation). Whether the row's owner lives is asked of its kernel-held marker (<see cref="Platform.ProcessMarkers"/>),
/// never of the process id, which the row keeps only to show people (with its PID namespace, so a tool can say that a
/// pid is another namespace's).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = SegmentHeader.SlotSize)]
internal struct ProcessSlot
{
    /// <summary>Low 32 bits: process id (0 = free, -1 = being claimed). High 32 bits: incarnation.</summary>
    [FieldOffset(0)] public ulong Owner;
    [FieldOffset(8)] public long StartTime;
    [FieldOffset(16)] public ulong PidNamespace;
    [FieldOffset(24)] public long AttachedUnixMs;
}
