using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>
/// The non-generic heart of a segment: opening and validating the mapping, the process table, and the lock.
/// <see cref="SharedSegment{T}"/> and <see cref="ReadOnlySharedSegment{T}"/> are thin typed views over it.
/// </summary>
internal sealed unsafe partial class SegmentCore : IDisposable
{
    private const int LivenessQuietMs = 5;
    private const int LivenessIntervalMs = 10;
    private const int SpinIterations = 64;

    private readonly IPlatform _platform;
    private readonly ProcessMarkers _markers;
    private PlatformMapping? _mapping;
    private SegmentHeader* _header;
    /// <summary>The lock word for entering; null once disposal began, so no new guard or wait can start.</summary>
    private ulong* _lockWord;
    /// <summary>
    /// The lock word for releasing: stays valid until the mapping is gone, so a live guard can always release; then
    /// <see cref="GoneWord"/>, never null, which keeps the release's fast path free of a null check.
    /// </summary>
    private ulong* _releaseWord;

    /// <summary>
    /// The lock word <see cref="TryEnterFast"/> reads: <see cref="_lockWord"/> in the default mode. A crash-atomic segment
    /// must back the payload up after its acquire, so its word is <see cref="BusyWord"/>, which never looks free: the fast
    /// path's existing test fails and its failure branch sends the acquire to <see cref="TryEnterBackingUp"/> (see
    /// SegmentCore.Rollback). The default mode's acquire thus runs the very same instructions as without the mode.
    /// Null once disposal began, as <see cref="_lockWord"/>.
    /// </summary>
    private ulong* _fastAcquireWord;

    /// <summary>A word that always reads held (a nonzero low half) and is never written: <see cref="_fastAcquireWord"/> of a crash-atomic segment.</summary>
    private static readonly ulong* BusyWord = AllocateBusyWord();

    private static ulong* AllocateBusyWord()
    {
        ulong* word = (ulong*)NativeMemory.AlignedAlloc(64, 64); // never freed: one per process
        *word = 1;
        return word;
    }

    /// <summary>
    /// The release word of a view that is gone: a lock word in a zeroed header-sized block of this process, which stays
    /// 0 (free), so it never equals a held word and a release through it always takes the slow path, which does nothing.
    /// </summary>
    private static readonly ulong* GoneWord = AllocateGoneWord();

    private static ulong* AllocateGoneWord()
    {
        byte* block = (byte*)NativeMemory.AlignedAlloc(SegmentHeader.Size, 64); // never freed: one per process
        NativeMemory.Clear(block, SegmentHeader.Size);
        return (ulong*)(block + SegmentHeader.LockWordOffset);
    }
    private byte* _payload;
    private readonly uint _token;
    private readonly int _slotIndex = -1;
    private readonly ulong _slotOwner;

    /// <summary>An address on the stack of the thread of this process holding the lock through this view, or 0 (for the recursion check, see <see cref="ThreadStack"/>).</summary>
    private nuint _ownerStack;
    /// <summary>
    /// Where a disposal stands (<see cref="DisposeNone"/> until Dispose is called). A guard's release that finds it
    /// anything else lets <see cref="FinishDeferredDispose"/> sort out who unmaps.
    /// </summary>
    private int _disposeState;
    /// <summary>With <see cref="DisposeDeferred"/>: the word of the guard whose release finishes the disposal.</summary>
    private ulong _disposeDeferredTo;
    /// <summary>No Dispose yet: a release has nothing more to do.</summary>
    private const int DisposeNone = 0;
    /// <summary>Dispose is looking at the lock word (a slow user meanwhile): a release waits for its decision.</summary>
    private const int DisposeDeciding = 1;
    /// <summary>Dispose found a live guard of this view and returned: that guard's release finishes the disposal.</summary>
    private const int DisposeDeferred = 2;
    /// <summary>Someone (Dispose, or the release of a deferred guard) unmaps, or has: nobody else may touch the mapping.</summary>
    private const int DisposeFinishing = 3;
    /// <summary>Threads inside a slow path (waiting for the lock, retrying a read); Dispose waits until they left.</summary>
    private int _slowUsers;

    /// <summary>
    /// Counts the calling thread as a slow user until the returned scope is disposed (<c>using var _ = SlowUse();</c>):
    /// counted before it looks at <see cref="_lockWord"/>, it sees null once Dispose began, or else Dispose waits for it
    /// before unmapping. A struct: no allocation.
    /// </summary>
    private SlowUseScope SlowUse()
    {
        Interlocked.Increment(ref _slowUsers);
        return new SlowUseScope(this);
    }

    private readonly ref struct SlowUseScope
    {
        private readonly SegmentCore _core;

        public SlowUseScope(SegmentCore core) => _core = core;

        public void Dispose() => Interlocked.Decrement(ref _core._slowUsers);
    }

    public string Name { get; }
    public string Location { get; }
    public bool IsCreator { get; }
    public bool IsFileBacked { get; }
    public bool IsReadOnly { get; }
    public long PayloadSize { get; }
    public ulong Fingerprint { get; }
    public TimeSpan DefaultLockTimeout { get; }
    private readonly SharedSegmentOptions _options;

    public byte* Payload
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            byte* payload = _payload;
            if (payload == null)
                ThrowDisposed();
            return payload;
        }
    }

    private SegmentCore(IPlatform platform, PlatformMapping mapping, string name, long payloadSize, SegmentLayout layout, SharedSegmentOptions options, TimeSpan defaultLockTimeout, bool isCreator)
    {
        _platform = platform;
        _mapping = mapping;
        _markers = mapping.Markers;
        _header = (SegmentHeader*)mapping.Pointer;
        _lockWord = &_header->LockWord;
        _releaseWord = _lockWord;
        _payload = mapping.Pointer + SegmentHeader.PayloadOffsetValue;
        // The header says the mode (a program's own choice was checked against it on open; an observer adopts it).
        _rollback = SegmentHeader.RollsBack(_header);
        _fastAcquireWord = _rollback ? BusyWord : _lockWord;
        if (_rollback)
            _backup = SegmentHeader.BackupOf(_payload, payloadSize);
        Name = name;
        Location = mapping.Location;
        IsCreator = isCreator;
        IsFileBacked = options.FilePath is not null;
        IsReadOnly = mapping.ReadOnly;
        PayloadSize = payloadSize;
        Fingerprint = layout.Fingerprint;
        DefaultLockTimeout = defaultLockTimeout;
        _options = options;
        if (!mapping.ReadOnly)
        {
            (_slotIndex, _token, _slotOwner) = ClaimSlot();
            lock (s_open)
                s_open.Add(this);
        }
        if (!options.Observer)
        {
            Metrics = Diagnostics.SharedStructMetrics.For(options.MeterFactory);
            Metrics.Add(this);
        }
    }

    /// <summary>This process's writable views, for the recursion check across two views of one segment (slow path only).</summary>
    private static readonly System.Collections.Generic.List<SegmentCore> s_open = new();

    /// <summary>Whether this thread holds the lock whose word reads <paramref name="word"/> through another view of the same segment.</summary>
    private bool HeldByThisThreadElsewhere(ulong word)
    {
        uint token = LockWord.Token(word);
        lock (s_open)
        {
            foreach (SegmentCore other in s_open)
            {
                if (other != this && other._token == token && ThreadStack.IsOnCurrentStack(other._ownerStack) && other.Location == Location && other.IsFileBacked == IsFileBacked)
                    return true;
            }
        }
        return false;
    }

    /// <summary>The instruments this segment reports on; null for an observer (a watcher that does not attach).</summary>
    internal Diagnostics.SegmentMeters? Metrics { get; }

    /// <summary>Reads a header statistic unless disposal began (safe against a concurrent Dispose, like a slow path).</summary>
    internal bool TryReadStatistic(Diagnostics.HeaderStatistic read, out long value)
    {
        value = 0;
        using var _ = SlowUse();
        // Dispose clears the lock word before it waits for slow users: seeing it set means the header stays mapped.
        SegmentHeader* header = _header;
        if (_lockWord == null || header == null)
            return false;
        value = read(header);
        return true;
    }

    public void Flush()
    {
        PlatformMapping? mapping = _mapping;
        if (mapping is null || _lockWord == null)
            ThrowDisposed();
        mapping.Flush();
    }

    /// <summary>Deletes the segment's name if no other process has it open (unless forced).</summary>
    /// <returns>False when the name no longer names this view's segment (it was deleted, perhaps made anew).</returns>
    public bool DeleteBacking(bool force)
    {
        if (_lockWord == null)
            ThrowDisposed();
        if (force)
            return DeleteName();
        // Through this view's own markers: its own attachment does not count against it.
        if (!_markers.TryHoldExclusive())
            throw new SegmentInUseException(Name, Location);
        try
        {
            // While the gate is held exclusively no one else can remove the name without force (see UnixPlatform.Delete),
            // so the name checked here is the name removed. If it already names another file, that file is not this
            // view's to delete: a file-backed path is no different from a named segment there.
            return _mapping!.StillNamed() && DeleteName();
        }
        finally
        {
            _markers.ReleaseExclusive(stayAttached: true);
        }
    }

    /// <summary>Removes the name: through the platform for a named segment, the file itself for a file-backed one.</summary>
    private bool DeleteName()
    {
        if (!IsFileBacked)
            return _platform.Delete(Name, _options, force: true);
        if (!File.Exists(Location))
            return false; // gone already (and where the platform cannot tell: StillNamed is always true on Windows)
        File.Delete(Location);
        return true;
    }

    /// <summary>
    /// Leaves the process table and unmaps. While a guard of this view is live, the unmap waits for its release (the
    /// guard's <c>ref T</c> must stay valid), and new locks fail at once.
    /// </summary>
    /// <remarks>
    /// Exactly one thread unmaps, and nobody touches the mapping after it. A release that races this Dispose (on
    /// another thread) could otherwise finish the disposal while this thread still looked at the lock word: the fault
    /// that crashed a CI run. So this thread decides while counted as a slow user (an unmap waits for it), and a release
    /// that sees the disposal under way waits for the decision (<see cref="FinishDeferredDispose"/>) before it either
    /// finishes (the guard was live) or leaves it to this thread (the release was seen here).
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _disposeState, DisposeDeciding, DisposeNone) != DisposeNone)
            return; // disposed, or being disposed by another call
        _fastAcquireWord = null;
        _lockWord = null; // no new guard, wait or read starts from here on
        if ((_disposeDeferredTo = LiveGuardWhileCounted()) != 0)
        {
            Volatile.Write(ref _disposeState, DisposeDeferred); // a guard of this view is live: its release finishes
            return;
        }
        Volatile.Write(ref _disposeState, DisposeFinishing);
        WaitForSlowUsers();
        Finish();
    }

    /// <summary>
    /// Ends change waits, then finds the live guard of this view, if any (its release then finishes the disposal): its
    /// word without the waiters bit, as the guard holds it, or 0. Counted as a slow user throughout, so a release that
    /// finishes meanwhile cannot unmap under it.
    /// </summary>
    private ulong LiveGuardWhileCounted()
    {
        using var _ = SlowUse();
        // Change waits (sync and async) end now, not at their next look.
        _stopWatching.Cancel();
        InterruptWaits();
        ulong* word = _releaseWord;
        ulong held = Volatile.Read(ref *word) & ~(ulong)LockWord.Waiters;
        return !IsReadOnly && LockWord.Token(held) == _token && !ReleasedAtOnce(word, held) ? held : 0;
    }

    /// <summary>
    /// Whether the live guard of this view is being released right now, by another thread. That thread's plain
    /// release store and its later look at <see cref="_disposeState"/> are not ordered against this thread's write of
    /// the state (x64 lets a load pass an earlier store), so it may not see the disposal at all. A release in progress
    /// shows within a few spins: then this thread finishes. A word still held after that belongs to a holder that has
    /// not begun releasing, and will see the state.
    /// </summary>
    private bool ReleasedAtOnce(ulong* word, ulong held)
    {
        if (ThreadStack.IsOnCurrentStack(_ownerStack))
            return false; // this thread's own guard: its release comes later on this thread and sees the state
        var spinner = new SpinWait();
        for (int i = 0; i < 10; i++)
        {
            // Any other word, even this view's: another thread's lock wait through this view may win right after.
            if ((Volatile.Read(ref *word) & ~(ulong)LockWord.Waiters) != held)
                return true;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        return false;
    }

    /// <summary>
    /// Called by the release of the guard that held <paramref name="held"/> (after its release, touching nothing of the
    /// mapping) when a disposal is under way: waits for Dispose's decision, and finishes the disposal if Dispose left it
    /// to this guard. Another guard's release leaves it alone: a lock wait of this view on another thread may have won
    /// the lock between that release and Dispose's look, and its guard is the live one.
    /// </summary>
    private void FinishDeferredDispose(ulong held)
    {
        var spinner = new SpinWait();
        int state;
        while ((state = Volatile.Read(ref _disposeState)) == DisposeDeciding)
            spinner.SpinOnce();
        if (state != DisposeDeferred || Volatile.Read(ref _disposeDeferredTo) != held)
            return; // Dispose saw this release and finishes (or already has), or left it to another guard
        Volatile.Write(ref _disposeState, DisposeFinishing);
        WaitForSlowUsers();
        Finish();
    }

    private void WaitForSlowUsers()
    {
        // Lock waiters notice the disposal at their next poll (at most LivenessIntervalMs) and leave; change waiters
        // were woken by Dispose (its interrupt also moves the change word, so one that was just going to sleep does not
        // sleep on: see PlatformMapping.InterruptChangeWaits).
        var spinner = new SpinWait();
        while (Volatile.Read(ref _slowUsers) != 0)
            spinner.SpinOnce();
    }

    private void Finish()
    {
        PlatformMapping? mapping = Interlocked.Exchange(ref _mapping, null);
        if (mapping is null)
            return;
        lock (s_open)
            s_open.Remove(this);
        Metrics?.Remove(this);
        // Unpublish the row before the kernel drops its marker, so no one ever sees a live owner's marker gone.
        if (_slotIndex >= 0)
            Interlocked.CompareExchange(ref Slot(_slotIndex)->Owner, _slotOwner & 0xFFFF_FFFF_0000_0000UL, _slotOwner);
        StopWatching();
        _releaseWord = GoneWord;
        _payload = null;
        _backup = null;
        _header = null;
        _markers.ReleaseAll();
        mapping.Dispose();
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw DisposedError();

    private ObjectDisposedException DisposedError() => new($"segment '{Name}'");
}
