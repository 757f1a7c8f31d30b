using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>
/// Change notification: a version that moves with every released guard (and, while anyone watches, every lock-free
/// write), and waiting for it to move without polling.
/// </summary>
/// <remarks>
/// Writers pay nothing while nobody watches: a release reads <see cref="SegmentHeader.Watchers"/> (a plain load on the
/// lock's own cache line) and, when it is zero, stays a single store. A watcher registers once (the count plus a
/// kernel-held watching marker) and stays registered until its segment object is disposed; from then on every release
/// bumps <see cref="SegmentHeader.ChangeWord"/> and wakes all sleepers on it. A watcher reads the change word before
/// the version and sleeps only while the change word is unchanged, so a change after it read the version always ends
/// the sleep (the futex compares the word in the kernel; on Windows the event named after the word's value stays set).
/// </remarks>
internal sealed unsafe partial class SegmentCore
{
    /// <summary>
    /// The longest a registered watcher sleeps before looking again: a safety net, not the mechanism (4 wake-ups a
    /// second when idle). Tests switch it off (<see cref="Timeout.Infinite"/>) to prove that no wake-up is lost.
    /// </summary>
    internal static int SafetyPollMs = 250;
    /// <summary>How often a watcher that cannot register (no write access to the segment, or macOS) looks at the version.</summary>
    internal const int PassivePollMs = 10;
    /// <summary>Futile change wakes (nobody asleep) after which a writer asks whether any watcher still lives.</summary>
    private const int FutileWakesBeforeRepair = 64;

    private readonly object _watchGate = new();
    /// <summary>0: not watching yet; 1: registered in <see cref="_watchHeader"/>; -1: watching by polling.</summary>
    private int _watchState;
    /// <summary>The writable header this object registered in (its own mapping, or a read-only view's writable first page).</summary>
    private SegmentHeader* _watchHeader;
    /// <summary>The lock word when this object registered: its holder may have read the watcher count before the registration.</summary>
    private ulong _registeredAtWord;
    private int _futileChangeWakes;
    /// <summary>Cancelled by Dispose: ends this object's change waits.</summary>
    private readonly CancellationTokenSource _stopWatching = new();

    /// <summary>
    /// The version: the generation of the last released guard, plus the lock-free writes made while anyone watched. It
    /// does not move while a guard is held (the write in progress is not visible to snapshots either), so it names what
    /// a snapshot would show.
    /// </summary>
    public ulong Version
    {
        get
        {
            ulong* lockWord = _lockWord;
            SegmentHeader* header = _header;
            if (lockWord == null || header == null)
                ThrowDisposed();
            uint lockFree = Volatile.Read(ref header->LockFreeChanges);
            return ComposeVersion(Volatile.Read(ref *lockWord), lockFree);
        }
    }

    /// <summary>The version a lock word shows: a held word counts as the release before it.</summary>
    internal static ulong ComposeVersion(ulong word, uint lockFreeChanges)
    {
        uint generation = (uint)(word >> 32);
        if (!LockWord.IsFree(word))
            generation--;
        return ((ulong)lockFreeChanges << 32) | generation;
    }

    /// <summary>Whether this object watches by registering (false: by polling), registering at the first call.</summary>
    private bool EnsureWatching()
    {
        int state = Volatile.Read(ref _watchState);
        if (state != 0)
            return state > 0;
        lock (_watchGate)
        {
            if (_watchState != 0)
                return _watchState > 0;
            PlatformMapping? mapping = _mapping;
            ulong* lockWord = _lockWord;
            if (mapping is null || lockWord == null)
                ThrowDisposed();
            byte* writable = mapping.WritableHeader();
            if (writable != null && _markers.TryHoldWatching())
            {
                _watchHeader = (SegmentHeader*)writable;
                Interlocked.Increment(ref _watchHeader->Watchers);
                // After the increment: a holder that read the count before it may release without a wake (see WaitSlice).
                _registeredAtWord = Volatile.Read(ref *lockWord) & ~(ulong)LockWord.Waiters;
                _watchState = 1;
            }
            else
            {
                _watchState = -1;
            }
            return _watchState > 0;
        }
    }

    /// <summary>Whether this object registered as a watcher (for tests and tools).</summary>
    internal bool IsRegisteredWatcher => Volatile.Read(ref _watchState) > 0;

    /// <summary>Waits until <see cref="Version"/> differs from <paramref name="since"/>; false on timeout.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool WaitForChange(ulong since, int timeoutMs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A slow user from the first look at the header on: a Dispose on another thread then waits for this call
        // instead of unmapping under it (the usual way to end a wait from outside).
        using var _ = SlowUse();
        if (Version != since)
            return true;
        if (timeoutMs == 0)
            return false;
        return WaitForChangeCore(since, timeoutMs, cancellationToken);
    }

    private bool WaitForChangeCore(ulong since, int timeoutMs, CancellationToken cancellationToken)
    {
        bool registered = EnsureWatching();
        CancellationTokenSource? linked = null;
        CancellationToken stop = _stopWatching.Token;
        if (cancellationToken.CanBeCanceled)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
            stop = linked.Token;
        }
        CancellationTokenRegistration interrupt = registered ? stop.UnsafeRegister(static state => ((SegmentCore)state!).InterruptWaits(), this) : default;
        try
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                if (_lockWord == null)
                    ThrowDisposed();
                uint change = registered ? Volatile.Read(ref _watchHeader->ChangeWord) : 0;
                if (Version != since)
                    return true;
                cancellationToken.ThrowIfCancellationRequested();
                int remaining = timeoutMs == Timeout.Infinite ? int.MaxValue : timeoutMs - (int)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (remaining <= 0)
                    return false;
                int slice = Math.Min(remaining, WaitSlice(registered));
                if (registered)
                    SleepOnChange(change, slice, stop);
                else
                    stop.WaitHandle.WaitOne(slice);
            }
        }
        finally
        {
            interrupt.Dispose();
            linked?.Dispose();
        }
    }

    /// <summary>How long the next sleep may last.</summary>
    private int WaitSlice(bool registered)
    {
        if (!registered)
            return PassivePollMs;
        // The guard held when this object registered may have read the watcher count before the registration and so
        // release without a wake: look again every millisecond until that holding is over. Every later holder took the
        // lock with a full fence after the registration and sees the count.
        ulong word = Volatile.Read(ref *_releaseWord);
        if (!LockWord.IsFree(word) && (word & ~(ulong)LockWord.Waiters) == _registeredAtWord)
            return 1;
        return SafetyPollMs == Timeout.Infinite ? int.MaxValue : SafetyPollMs;
    }

    private void SleepOnChange(uint change, int timeoutMs, CancellationToken stop)
    {
        SegmentHeader* header = _watchHeader;
        Interlocked.Increment(ref header->ChangeSleepers);
        try
        {
            _mapping?.WaitChange(&header->ChangeWord, change, timeoutMs, stop);
        }
        finally
        {
            Interlocked.Decrement(ref header->ChangeSleepers);
        }
    }

    /// <summary>Ends this object's sleeps early (cancellation, disposal).</summary>
    private void InterruptWaits()
    {
        SegmentHeader* header = _watchHeader;
        PlatformMapping? mapping = _mapping;
        if (header != null && mapping is not null)
            mapping.InterruptChangeWaits(&header->ChangeWord);
    }

    /// <summary>Called by a writable view after a lock-free write: tells watchers, if there are any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void NoteLockFreeWrite()
    {
#if !SHAREDSTRUCT_BENCH_NO_WATCHERS // a bench-only build variant: lock-free writes as they were before change notification (bench/)
        SegmentHeader* header = _header;
        if (header != null && Volatile.Read(ref header->Watchers) != 0)
            NoteChange(lockFree: true);
#endif
    }

    /// <summary>The watcher count's address, read before a generated lock-free write (see <see cref="LockFreeWriteNotice"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LockFreeWriteNotice PrepareLockFreeWrite()
    {
#if SHAREDSTRUCT_BENCH_NO_WATCHERS // the bench-only build without change notification: nothing to find before the write
        return default;
#else
        // No disposed check here: this only computes an address. The generated code reaches the payload through
        // GetUnsynchronizedReference (which throws ObjectDisposedException) before the notice is ever read.
        // Plain arithmetic, not &_header->Watchers: taking a field's address through a null pointer is a null check.
        return new LockFreeWriteNotice(this, (int*)((byte*)_header + SegmentHeader.WatchersOffset));
#endif
    }

    /// <summary>A change was made while someone watches: move the change word and wake every sleeper.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void NoteChange(bool lockFree)
    {
        SegmentHeader* header = _header;
        PlatformMapping? mapping = _mapping;
        if (header == null || mapping is null || IsReadOnly)
            return;
        if (lockFree)
            Interlocked.Increment(ref header->LockFreeChanges);
        uint changedFrom = Interlocked.Increment(ref header->ChangeWord) - 1;
        int woken = mapping.WakeChange(&header->ChangeWord, changedFrom, Volatile.Read(ref header->ChangeSleepers));
        Interlocked.Increment(ref ChangeWakes);
        if (woken > 0)
        {
            _futileChangeWakes = 0;
            return;
        }
        if (++_futileChangeWakes >= FutileWakesBeforeRepair)
        {
            _futileChangeWakes = 0;
            ForgetDeadWatchers(header);
        }
    }

    /// <summary>Change wakes this process made (for measurement).</summary>
    internal static long ChangeWakes;

    /// <summary>
    /// A watcher that died leaves its count behind, and writers would go on paying for it. When no live object holds
    /// the watching marker, nobody watches: clear the count (unless a watcher registered meanwhile, which the CAS sees).
    /// </summary>
    private void ForgetDeadWatchers(SegmentHeader* header)
    {
        if (Volatile.Read(ref _watchState) > 0)
            return; // this object watches itself: the count is right to be non-zero
        int count = Volatile.Read(ref header->Watchers);
        if (count > 0 && !_markers.OthersWatching())
            Interlocked.CompareExchange(ref header->Watchers, 0, count);
    }

    /// <summary>Leaves the watchers (at disposal, before the mapping goes).</summary>
    private void StopWatching()
    {
        lock (_watchGate)
        {
            if (_watchState > 0)
            {
                SegmentHeader* header = _watchHeader;
                int count;
                do
                {
                    count = Volatile.Read(ref header->Watchers);
                }
                while (count > 0 && Interlocked.CompareExchange(ref header->Watchers, count - 1, count) != count);
                _markers.ReleaseWatching();
                _watchHeader = null;
            }
            _watchState = -2;
        }
    }
}
