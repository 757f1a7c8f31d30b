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

/// <summary>
/// The non-generic heart of a segment: opening and validating the mapping, the process table, and the lock.
/// <see cref="SharedSegment{T}"/> and <see cref="ReadOnlySharedSegment{T}"/> are thin typed views over it.
/// </summary>
internal sealed unsafe class SegmentCore : IDisposable
{
    private const int LivenessQuietMs = 5;
    private const int LivenessIntervalMs = 10;
    private const int SpinIterations = 64;

    private readonly IPlatform _platform;
    private PlatformMapping? _mapping;
    private SegmentHeader* _header;
    private ulong* _lockWord;
    private readonly byte* _payload;
    private readonly uint _token;
    private readonly int _slotIndex = -1;
    private readonly ulong _slotOwner;

    public string Name { get; }
    public string Location { get; }
    public bool IsCreator { get; }
    public bool IsFileBacked { get; }
    public long PayloadSize { get; }
    public ulong Fingerprint { get; }
    public TimeSpan DefaultLockTimeout { get; }
    private readonly SharedSegmentOptions _options;

    public byte* Payload
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_lockWord == null)
                ThrowDisposed();
            return _payload;
        }
    }

    private SegmentCore(IPlatform platform, PlatformMapping mapping, string name, long payloadSize, SegmentLayout layout, SharedSegmentOptions options, TimeSpan defaultLockTimeout)
    {
        _platform = platform;
        _mapping = mapping;
        _header = (SegmentHeader*)mapping.Pointer;
        _lockWord = &_header->LockWord;
        _payload = mapping.Pointer + SegmentHeader.PayloadOffsetValue;
        Name = name;
        Location = mapping.Location;
        IsCreator = mapping.Created;
        IsFileBacked = options.FilePath is not null;
        PayloadSize = payloadSize;
        Fingerprint = layout.Fingerprint;
        DefaultLockTimeout = defaultLockTimeout;
        _options = options;
        if (!mapping.ReadOnly)
            (_slotIndex, _token, _slotOwner) = ClaimSlot();
    }

    // ------------------------------------------------------------------ opening

    public static SegmentCore Open(string name, long payloadSize, SegmentLayout layout, SharedSegmentOptions? options, TimeSpan? defaultLockTimeout, Action<nint>? initializer)
    {
        SegmentName.Validate(name);
        options ??= SharedSegmentOptions.Default;
        if (payloadSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(payloadSize), "A segment's payload must hold at least one byte.");
        if (payloadSize > SegmentNameRules.MaxPayloadSize)
            throw new ArgumentOutOfRangeException(nameof(payloadSize),
                $"The payload is {payloadSize} bytes; a segment holds at most {SegmentNameRules.MaxPayloadSize} bytes (1 GiB). Split the state into several segments.");
        if (layout.Fingerprint == 0)
            throw new ArgumentException("The layout has no fingerprint; use new SegmentLayout(fingerprint, description).", nameof(layout));
        if (options.ReadOnly && options.Mode != SegmentOpenMode.OpenExisting)
            options = options.WithMode(SegmentOpenMode.OpenExisting);
        if (options.OpenTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), "OpenTimeout must not be negative.");
        TimeSpan lockTimeout = options.LockTimeout ?? defaultLockTimeout ?? TimeSpan.FromMilliseconds(SharedSegmentAttribute.DefaultLockTimeoutMilliseconds);
        TimeoutMilliseconds(lockTimeout, "LockTimeout");

        byte[] description = Encoding.UTF8.GetBytes(layout.Description);
        long total = AlignUp(SegmentHeader.PayloadOffsetValue + payloadSize, 4096);
        IPlatform platform = Platforms.Current;
        DateTime deadline = DateTime.UtcNow + options.OpenTimeout;
        PlatformMapping mapping = platform.Open(new MappingRequest { Name = name, Size = total, Options = options }, deadline);
        try
        {
            var header = (SegmentHeader*)mapping.Pointer;
            if (mapping.Created)
                Initialize(header, mapping, payloadSize, layout.Fingerprint, description, platform, initializer);
            else
                WaitUntilReadyAndValidate(header, mapping, name, payloadSize, layout.Fingerprint, platform, deadline, options);
            return new SegmentCore(platform, mapping, name, payloadSize, layout, options, lockTimeout);
        }
        catch
        {
            // Leave no half-made segment behind: a creator that failed removes what it made.
            if (mapping.Created)
                mapping.RemoveBacking();
            mapping.Dispose();
            throw;
        }
    }

    private static void Initialize(SegmentHeader* h, PlatformMapping mapping, long payloadSize, ulong fingerprint, byte[] description, IPlatform platform, Action<nint>? initializer)
    {
        ProcessIdentity me = platform.CurrentProcess;
        // The magic goes first so that a racing opener knows this is a segment being initialised, not a foreign file.
        h->CreatorPid = me.Pid;
        h->CreatorStartTime = me.StartTime;
        Volatile.Write(ref h->Magic, SegmentHeader.MagicValue);
        h->FormatVersion = SegmentHeader.CurrentFormatVersion;
        h->Fingerprint = fingerprint;
        h->PayloadSize = (ulong)payloadSize;
        h->PayloadOffset = SegmentHeader.PayloadOffsetValue;
        h->SlotTableCount = SegmentHeader.SlotCount;
        h->CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        h->DescriptionStart = SegmentHeader.DescriptionOffset;
        h->SlotTableStart = SegmentHeader.SlotTableOffset;
        if (description.Length <= SegmentHeader.DescriptionCapacity)
        {
            description.CopyTo(new Span<byte>(mapping.Pointer + SegmentHeader.DescriptionOffset, description.Length));
            h->DescriptionLength = (uint)description.Length;
        }
        else
        {
            h->DescriptionLength = SegmentHeader.DescriptionNotStored;
        }
        // The payload is already zero: a new file reads as zeros. The initializer runs before anyone can lock,
        // because openers wait for StateReady.
        initializer?.Invoke((nint)(mapping.Pointer + SegmentHeader.PayloadOffsetValue));
        h->Checksum = ComputeChecksum(mapping.Pointer);
        Volatile.Write(ref h->State, SegmentHeader.StateReady);
    }

    private static void WaitUntilReadyAndValidate(SegmentHeader* h, PlatformMapping mapping, string name, long payloadSize, ulong fingerprint, IPlatform platform, DateTime deadline, SharedSegmentOptions options)
    {
        string what = options.FilePath is null ? $"Segment '{name}' ({mapping.Location})" : $"Segment file '{mapping.Location}'";
        const string untouched = " It was left untouched; delete it if it is yours, or pick another name.";
        if (mapping.Length < 8 || (h->Magic != SegmentHeader.MagicValue && h->Magic != 0))
            throw new InvalidDataException($"{what} is not a SharedStruct segment: it does not start with the segment magic number (a foreign or corrupted file).{untouched}");
        if (mapping.Length < SegmentHeader.PayloadOffsetValue)
            throw new InvalidDataException($"{what} is truncated: {mapping.Length} bytes, shorter than a segment header ({SegmentHeader.PayloadOffsetValue} bytes).{untouched}");

        while (Volatile.Read(ref h->State) != SegmentHeader.StateReady)
        {
            bool creatorKnown = Volatile.Read(ref h->Magic) == SegmentHeader.MagicValue;
            if (creatorKnown && !platform.IsAlive(h->CreatorPid, h->CreatorStartTime))
                throw new InvalidDataException($"{what} was never finished: its creator (process {h->CreatorPid}) died while initialising it. Delete it and open again.");
            if (DateTime.UtcNow >= deadline)
            {
                if (!creatorKnown)
                    throw new InvalidDataException($"{what} is all zeros: it is not a SharedStruct segment, or its creator died before writing the header.{untouched}");
                throw new TimeoutException($"{what} is still being initialised by process {h->CreatorPid} after the open timeout ({options.OpenTimeout.TotalMilliseconds} ms). Raise SharedSegmentOptions.OpenTimeout if its initializer is slow.");
            }
            Thread.Sleep(1);
        }

        if (h->Magic != SegmentHeader.MagicValue)
            throw new InvalidDataException($"{what} is not a SharedStruct segment: it does not start with the segment magic number.{untouched}");
        if (h->FormatVersion != SegmentHeader.CurrentFormatVersion)
            throw new InvalidDataException($"{what} has header format version {h->FormatVersion}; this runtime reads version {SegmentHeader.CurrentFormatVersion}. Update SharedStruct in every process that shares it, or delete the segment.");
        if (h->Checksum != ComputeChecksum(mapping.Pointer) || h->PayloadOffset != SegmentHeader.PayloadOffsetValue ||
            h->SlotTableStart != SegmentHeader.SlotTableOffset || h->SlotTableCount != SegmentHeader.SlotCount)
            throw new InvalidDataException($"{what} has a corrupted header (checksum or offsets do not match).{untouched}");
        if (h->Fingerprint != fingerprint || h->PayloadSize != (ulong)payloadSize)
        {
            string stored = ReadDescription(mapping.Pointer) ?? "(not stored)";
            throw new SegmentLayoutMismatchException(name, fingerprint, payloadSize, h->Fingerprint, (long)h->PayloadSize,
                $"{what} was created for a different payload layout: it holds fingerprint 0x{h->Fingerprint:X16} with a {h->PayloadSize}-byte payload, " +
                $"but this program expects fingerprint 0x{fingerprint:X16} with a {payloadSize}-byte payload. Another struct (or another build of it) made it. " +
                RemedyForMismatch(name, options) + $" Stored layout: {FirstLine(stored)}");
        }
        if (mapping.Length < SegmentHeader.PayloadOffsetValue + payloadSize)
            throw new InvalidDataException($"{what} is truncated: {mapping.Length} bytes, but its header says the payload needs {SegmentHeader.PayloadOffsetValue + payloadSize}.{untouched}");
    }

    private static string RemedyForMismatch(string name, SharedSegmentOptions options) =>
        OperatingSystem.IsWindows() && options.FilePath is null
            // A page-file-backed section cannot be deleted by name: it goes away with the last handle to it.
            ? "Close every program that has it open (it disappears with the last one), or use a new name."
            : $"Close the programs using the old layout and delete the segment (SharedSegment.Delete(\"{name}\")), or use a new name.";

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s.Substring(0, nl) + " …";
    }

    internal static string? ReadDescription(byte* segment)
    {
        var h = (SegmentHeader*)segment;
        if (h->DescriptionLength == SegmentHeader.DescriptionNotStored || h->DescriptionLength > SegmentHeader.DescriptionCapacity)
            return null;
        return Encoding.UTF8.GetString(segment + SegmentHeader.DescriptionOffset, (int)h->DescriptionLength);
    }

    /// <summary>FNV-1a over every identity field except State, plus the description.</summary>
    internal static ulong ComputeChecksum(byte* segment)
    {
        var h = (SegmentHeader*)segment;
        ulong hash = Fnv1a.OffsetBasis;
        hash = Fnv1a.Add(hash, segment, 12);
        hash = Fnv1a.Add(hash, segment + 16, 48);
        hash = Fnv1a.Add(hash, segment + 72, 8);
        uint length = h->DescriptionLength;
        if (length != SegmentHeader.DescriptionNotStored && length <= SegmentHeader.DescriptionCapacity)
            hash = Fnv1a.Add(hash, segment + SegmentHeader.DescriptionOffset, (int)length);
        return hash;
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);

    internal static int TimeoutMilliseconds(TimeSpan timeout, string paramName = "timeout")
    {
        long ms = (long)timeout.TotalMilliseconds;
        if (ms < -1 || ms > int.MaxValue)
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must be Timeout.InfiniteTimeSpan or between 0 and int.MaxValue milliseconds.");
        return (int)ms;
    }

    // ------------------------------------------------------------------ process table

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

    // ------------------------------------------------------------------ the lock

    /// <summary>The uncontended path: one CAS, no syscall, no allocation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnterFast(out ulong acquired)
    {
        ulong* lockWord = _lockWord;
        if (lockWord == null)
            ThrowDisposed();
        ulong current = Volatile.Read(ref *lockWord);
        acquired = LockWord.Acquired(current, _token, 0);
        if (LockWord.IsFree(current) && Interlocked.CompareExchange(ref *lockWord, acquired, current) == current)
        {
            _header->HolderThreadId = Environment.CurrentManagedThreadId;
            return true;
        }
        return false;
    }

    /// <summary>Spins briefly, then sleeps in the kernel; recovers the lock from a dead holder.</summary>
    /// <returns>False on timeout.</returns>
    public bool EnterSlow(int timeoutMs, out ulong acquired, out bool abandoned)
    {
        abandoned = false;
        ulong* lockWord = _lockWord;
        int myThread = Environment.CurrentManagedThreadId;
        ulong current = Volatile.Read(ref *lockWord);
        if (!LockWord.IsFree(current) && _header->HolderThreadId == myThread && Holder(LockWord.Token(current)).Pid == Environment.ProcessId)
            throw new LockRecursionException($"This thread already holds the lock of segment '{Name}'. Dispose the first guard before locking again; the lock is not recursive.");

        // A short spin: the typical critical section is a few field writes, over before a sleep could even start.
        var spinner = new SpinWait();
        for (int i = 0; i < SpinIterations; i++)
        {
            current = Volatile.Read(ref *lockWord);
            if (LockWord.IsFree(current))
            {
                acquired = LockWord.Acquired(current, _token, 0);
                if (Interlocked.CompareExchange(ref *lockWord, acquired, current) == current)
                    return Entered(myThread);
            }
            if (spinner.NextSpinWillYield)
                break;
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        long start = Stopwatch.GetTimestamp();
        ulong lastSeen = current;
        long lastChange = start;
        long nextLivenessCheck = 0;
        while (true)
        {
            current = Volatile.Read(ref *lockWord);
            if (LockWord.IsFree(current))
            {
                // Having slept, keep the waiters bit: others may still be asleep and the release must wake them.
                acquired = LockWord.Acquired(current, _token, LockWord.Waiters);
                if (Interlocked.CompareExchange(ref *lockWord, acquired, current) == current)
                    return Entered(myThread);
                continue;
            }

            long now = Stopwatch.GetTimestamp();
            if (current != lastSeen)
            {
                lastSeen = current;
                lastChange = now;
                NoteHeld(current);
            }

            // A holder that has not moved for a while may be dead. Live holders under contention change the word
            // every few microseconds, so this rarely reads /proc.
            long quietMs = (long)Stopwatch.GetElapsedTime(lastChange, now).TotalMilliseconds;
            if (quietMs >= LivenessQuietMs && now >= nextLivenessCheck)
            {
                nextLivenessCheck = now + Stopwatch.Frequency * LivenessIntervalMs / 1000;
                (int pid, bool alive) = Holder(LockWord.Token(current));
                if (!alive)
                {
                    acquired = LockWord.Acquired(current, _token, (uint)current & LockWord.Waiters);
                    if (Interlocked.CompareExchange(ref *lockWord, acquired, current) == current)
                    {
                        abandoned = true;
                        Interlocked.Increment(ref _header->AbandonCount);
                        _header->LastAbandonedPid = pid;
                        return Entered(myThread);
                    }
                    continue;
                }
            }

            int remaining = timeoutMs == Timeout.Infinite ? int.MaxValue : timeoutMs - (int)Stopwatch.GetElapsedTime(start, now).TotalMilliseconds;
            if (remaining <= 0)
            {
                acquired = 0;
                return false;
            }

            if (((uint)current & LockWord.Waiters) == 0)
            {
                ulong flagged = current | LockWord.Waiters;
                if (Interlocked.CompareExchange(ref *lockWord, flagged, current) != current)
                    continue;
                current = flagged;
                lastSeen = flagged;
            }
            _mapping!.Wait((uint*)lockWord, (uint)current, Math.Min(remaining, LivenessIntervalMs));
        }
    }

    private bool Entered(int myThread)
    {
        _header->HolderThreadId = myThread;
        return true;
    }

    /// <summary>Records when a waiter first saw this holding, so a timeout (and tools) can say how long it has held.</summary>
    private void NoteHeld(ulong word)
    {
        ulong clean = word & ~(ulong)LockWord.Waiters;
        if (Volatile.Read(ref _header->HeldSinceWord) == clean)
            return;
        _header->HeldSinceUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Volatile.Write(ref _header->HeldSinceWord, clean);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit(ulong acquired)
    {
        ulong* lockWord = _lockWord;
        if (lockWord == null)
            return; // the segment was disposed under the guard; the unmapped lock cannot be touched
        _header->HolderThreadId = 0;
        // While the lock is held only a waiter setting the waiters bit can change the word, so when it is still exactly
        // what this holder wrote, a plain (release) store frees it: one atomic per lock/unlock pair instead of two. A
        // waiter that sets the bit between the read and the store loses it, harmlessly: its futex wait compares against
        // the held word and returns at once; only if this thread is preempted inside that window can the waiter already
        // be asleep, and then it wakes at its next poll (LivenessIntervalMs) and finds the lock free.
        if (((uint)acquired & LockWord.Waiters) == 0 && Volatile.Read(ref *lockWord) == acquired)
        {
            Volatile.Write(ref *lockWord, LockWord.Released(acquired));
            return;
        }
        ExitSlow(acquired);
    }

    private void ExitSlow(ulong acquired)
    {
        ulong* lockWord = _lockWord;
        while (true)
        {
            ulong current = Volatile.Read(ref *lockWord);
            if ((current & ~(ulong)LockWord.Waiters) != (acquired & ~(ulong)LockWord.Waiters))
                throw new SynchronizationLockException(
                    $"The lock of segment '{Name}' was taken over by another process while this guard held it (it judged this holder dead). Data written under this guard may be lost.");
            if (Interlocked.CompareExchange(ref *lockWord, LockWord.Released(current), current) == current)
            {
                if (((uint)current & LockWord.Waiters) != 0)
                    _mapping!.Wake((uint*)lockWord);
                return;
            }
        }
    }

    public TimeoutException TimeoutError(TimeSpan timeout)
    {
        ulong current = Volatile.Read(ref *_lockWord);
        if (LockWord.IsFree(current))
            return new TimeoutException($"Timed out after {timeout.TotalMilliseconds} ms waiting for the lock of segment '{Name}' (it was busy and is free now; the segment is heavily contended).");
        (int pid, bool _) = Holder(LockWord.Token(current));
        ulong clean = current & ~(ulong)LockWord.Waiters;
        long heldMs = Volatile.Read(ref _header->HeldSinceWord) == clean
            ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - _header->HeldSinceUnixMs
            : (long)timeout.TotalMilliseconds;
        return new TimeoutException(
            $"Timed out after {timeout.TotalMilliseconds} ms waiting for the lock of segment '{Name}': process {pid} holds it and has held it for at least {heldMs} ms. " +
            "That process is alive, so the lock was not recovered; find out why it holds the lock so long.");
    }

    // ------------------------------------------------------------------ lock-free reads

    /// <summary>
    /// Copies the payload without taking the lock: the generation in the lock word tells whether a writer took the
    /// lock meanwhile (a sequence lock). Works on read-only mappings, which cannot write the lock word.
    /// </summary>
    public bool TryReadConsistent(byte* destination, int timeoutMs, out bool holderDead)
    {
        holderDead = false;
        ulong* lockWord = _lockWord;
        if (lockWord == null)
            ThrowDisposed();
        long start = Stopwatch.GetTimestamp();
        var spinner = new SpinWait();
        while (true)
        {
            if (TryCopyOnce(_payload, destination, PayloadSize, lockWord, out ulong before))
                return true;
            if (!LockWord.IsFree(before) && Stopwatch.GetElapsedTime(start).TotalMilliseconds >= LivenessQuietMs && !Holder(LockWord.Token(before)).Alive)
            {
                holderDead = true;
                return false;
            }
            if (timeoutMs != Timeout.Infinite && Stopwatch.GetElapsedTime(start).TotalMilliseconds >= timeoutMs)
                return false;
            spinner.SpinOnce();
        }
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

    // ------------------------------------------------------------------ lifetime

    public void Flush()
    {
        if (_mapping is null)
            ThrowDisposed();
        _mapping.Flush();
    }

    public bool DeleteBacking()
    {
        if (!IsFileBacked)
            return _platform.Delete(Name, _options);
        if (!File.Exists(Location))
            return false;
        File.Delete(Location);
        return true;
    }

    public void Dispose()
    {
        PlatformMapping? mapping = Interlocked.Exchange(ref _mapping, null);
        if (mapping is null)
            return;
        if (_slotIndex >= 0)
            Interlocked.CompareExchange(ref Slot(_slotIndex)->Owner, _slotOwner & 0xFFFF_FFFF_0000_0000UL, _slotOwner);
        _lockWord = null;
        _header = null;
        mapping.Dispose();
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException($"segment '{Name}'");
}
