using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>The lock: an owner token in the lock word, a futex to sleep on, recovery from a dead holder.</summary>
internal sealed unsafe partial class SegmentCore
{
    /// <summary>Release-side wakes this process made, and how many of them woke nobody (for measurement).</summary>
    internal static long WakeCalls, FutileWakes;

    /// <summary>The uncontended path: one CAS, no syscall, no allocation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnterFast(out ulong acquired)
    {
        ulong* lockWord = _fastAcquireWord;
        if (lockWord == null)
            ThrowDisposed();
        if (TryTakeFree(lockWord, out acquired))
            return true;
        // A crash-atomic segment's word never looks free: its acquire backs the payload up (see SegmentCore.Rollback).
        return lockWord == BusyWord && TryEnterBackingUp(out acquired);
    }

    /// <summary>One CAS on a free <paramref name="lockWord"/>; false when the word is held or the CAS lost.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryTakeFree(ulong* lockWord, out ulong acquired)
    {
        ulong current = Volatile.Read(ref *lockWord);
        acquired = LockWord.Acquired(current, _token, 0);
        // A free word is its generation alone (a release clears the low half), so the CAS found the word it expected
        // exactly when that word plus one generation is the generation acquired carries: a test on acquired, which
        // stays in a register for the guard, where comparing with current would keep current alive across the CAS
        // (the JIT spills it to the stack, a store the locked CAS must then wait for).
        if ((uint)current == 0 &&
            Interlocked.CompareExchange(ref *lockWord, acquired, current) + LockWord.GenerationOne == (acquired & LockWord.GenerationMask))
        {
            AfterAcquire(lockWord);
            return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AfterAcquire(ulong* lockWord)
    {
        // On arm64 the acquire CAS (casal) lets later payload stores become visible before the new lock word, and a
        // lock-free snapshot reader could then accept a torn copy; a full barrier orders them. x64's CAS is one already,
        // and this branch folds away at JIT time there.
        if (ArmBase.Arm64.IsSupported)
            Interlocked.MemoryBarrier();
        // Process-local: the shared header says nothing about threads, whose ids repeat across processes (every
        // container's main thread is 1 in a PID-1 process). The address of a local names this thread by its stack
        // (see ThreadStack): a store, where reading the thread id would be a call.
        byte anchor;
        _ownerStack = (nuint)(&anchor);
        // A plain increment: only the holder writes it, and the line is the lock word's, which this thread just took.
#if !SHAREDSTRUCT_BENCH_NO_STATISTICS // a bench-only build variant that measures what this costs (bench/, issue 13)
        AcquisitionsOf(lockWord)++;
#endif
    }

    /// <summary>Spins briefly, then sleeps in the kernel; recovers the lock from a dead holder.</summary>
    /// <returns>False on timeout.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting (noticed within one poll, <see cref="LivenessIntervalMs"/>).</exception>
    public bool EnterSlow(int timeoutMs, out ulong acquired, out bool abandoned, CancellationToken cancellationToken = default)
    {
        bool entered, disposedMeanwhile = false;
        using (SlowUse())
        {
            entered = EnterSlowCore(timeoutMs, out acquired, out abandoned, cancellationToken);
            acquired &= ~(ulong)LockWord.Waiters; // the guard's word never carries the bit: see Exit
            if (entered && _lockWord == null)
            {
                // Won the lock just as Dispose began on another thread, which may not have seen this holding: give it
                // back while still counted (so the mapping is still there) rather than hold a guard that an unmap
                // could pull from under it.
                _ownerStack = 0;
                ExitSlow(_releaseWord, acquired);
                disposedMeanwhile = true;
            }
        }
        if (disposedMeanwhile)
        {
            FinishDeferredDispose(acquired); // if Dispose saw this holding, finishing is this release's to do
            ThrowDisposed();
        }
        return entered;
    }

    private bool EnterSlowCore(int timeoutMs, out ulong acquired, out bool abandoned, CancellationToken cancellationToken)
    {
        abandoned = false;
        ulong* lockWord = _lockWord;
        if (lockWord == null)
            ThrowDisposed();
        long begin = Stopwatch.GetTimestamp();
        ulong current = Volatile.Read(ref *lockWord);
        if (!LockWord.IsFree(current) &&
            ((LockWord.Token(current) == _token && ThreadStack.IsOnCurrentStack(_ownerStack)) || HeldByThisThreadElsewhere(current)))
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
                    return Entered(lockWord, begin, acquired);
            }
            if (spinner.NextSpinWillYield)
                break;
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        long start = Stopwatch.GetTimestamp();
        ulong lastSeen = 0; // no word seen yet: the first held word is noted below
        long lastChange = start;
        long nextLivenessCheck = 0;
        SegmentHeader* header = _header;
        while (true)
        {
            if (_lockWord == null)
                ThrowDisposed(); // disposed by another thread while this one waited
            current = Volatile.Read(ref *lockWord);
            if (LockWord.IsFree(current))
            {
                // Keep the waiters bit only for processes still asleep: a release then wakes just when someone sleeps.
                uint waiters = Volatile.Read(ref header->Sleepers) > 0 ? LockWord.Waiters : 0;
                acquired = LockWord.Acquired(current, _token, waiters);
                if (Interlocked.CompareExchange(ref *lockWord, acquired, current) == current)
                    return Entered(lockWord, begin, acquired);
                continue;
            }

            long now = Stopwatch.GetTimestamp();
            if ((current & ~(ulong)LockWord.Waiters) != (lastSeen & ~(ulong)LockWord.Waiters))
            {
                lastSeen = current;
                lastChange = now;
                NoteHeld(current);
            }

            // A holder that has not moved for a while may be dead. Live holders under contention change the word
            // every few microseconds, so this rarely asks the kernel.
            long quietMs = (long)Stopwatch.GetElapsedTime(lastChange, now).TotalMilliseconds;
            if (quietMs >= LivenessQuietMs && now >= nextLivenessCheck)
            {
                nextLivenessCheck = now + Stopwatch.Frequency * LivenessIntervalMs / 1000;
                (int pid, bool alive) = Holder(LockWord.Token(current));
                if (!alive)
                {
                    if (_rollback)
                        MarkBackupOfDeadHolder(current);
                    acquired = LockWord.Acquired(current, _token, (uint)current & LockWord.Waiters);
                    if (Interlocked.CompareExchange(ref *lockWord, acquired, current) == current)
                    {
                        abandoned = true;
                        Interlocked.Increment(ref header->AbandonCount);
                        header->LastAbandonedPid = pid;
                        header->LastRecoveryUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                        Metrics?.Recovered(this);
                        return Entered(lockWord, begin, acquired, takenFrom: current);
                    }
                    continue;
                }
            }

            int remaining = timeoutMs == Timeout.Infinite ? int.MaxValue : timeoutMs - (int)Stopwatch.GetElapsedTime(start, now).TotalMilliseconds;
            if (remaining <= 0)
            {
                acquired = 0;
                Interlocked.Increment(ref header->Timeouts);
                Metrics?.TimedOut(this);
                return false;
            }
            // The sleep below lasts at most LivenessIntervalMs, so a cancellation is seen within that.
            cancellationToken.ThrowIfCancellationRequested();

            Interlocked.Increment(ref header->Sleepers);
            try
            {
                if (((uint)current & LockWord.Waiters) == 0)
                {
                    ulong flagged = current | LockWord.Waiters;
                    if (Interlocked.CompareExchange(ref *lockWord, flagged, current) != current)
                        continue;
                    current = flagged;
                }
                _mapping?.Wait((uint*)lockWord, (uint)current, Math.Min(remaining, LivenessIntervalMs));
            }
            finally
            {
                Interlocked.Decrement(ref header->Sleepers);
            }
        }
    }

    /// <summary>
    /// A contended acquisition of the word <paramref name="acquired"/> at <paramref name="lockWord"/>, begun at
    /// <paramref name="begin"/>, or a takeover from the dead holder whose word was <paramref name="takenFrom"/> (0: none):
    /// a crash-atomic segment's backup, or its rollback, before anyone can see the payload through the new guard; then
    /// the statistics of waiting, written under the lock just taken.
    /// </summary>
    private bool Entered(ulong* lockWord, long begin, ulong acquired, ulong takenFrom = 0)
    {
        AfterAcquire(lockWord);
        if (_rollback)
        {
            if (takenFrom == 0)
                BackUp(acquired);
            else
                RollBack(takenFrom, acquired);
        }
        var header = (SegmentHeader*)((byte*)lockWord - SegmentHeader.LockWordOffset);
        long ticks = Stopwatch.GetTimestamp() - begin;
        ulong nanoseconds = (ulong)Math.Max(0, (long)(ticks * (1_000_000_000.0 / Stopwatch.Frequency)));
        header->ContendedAcquisitions++;
        header->WaitNanosecondsTotal += nanoseconds;
        if (nanoseconds > header->WaitNanosecondsMax)
            header->WaitNanosecondsMax = nanoseconds;
        Metrics?.Waited(this, nanoseconds / 1e9);
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

    /// <param name="held">The word this holder's acquire wrote, without the waiters bit (as <see cref="EnterSlow"/> gives it).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit(ulong held)
    {
        // Never null: once the view is gone it names a word no holder ever wrote (see GoneWord), so the compare below
        // fails and ExitRest sorts it out. Keeping this method to a few statements lets the JIT copy a using block's
        // finally into the normal path instead of calling it as a funclet. A crash-atomic segment releases the same way:
        // its payload is the committed state as soon as the lock is free (see SegmentCore.Rollback).
        ulong* lockWord = _releaseWord;
        _ownerStack = 0;
        // While the lock is held only a waiter setting the waiters bit can change the word, so when it is still exactly
        // what this holder wrote (with the bit clear: held never carries it), a plain (release) store frees it: one
        // atomic per lock/unlock pair instead of two. A waiter that sets the bit between the read and the store loses it,
        // harmlessly: its futex wait compares against the held word and returns at once; only if this thread is
        // preempted inside that window can the waiter already be asleep, and then it wakes at its next poll
        // (LivenessIntervalMs) and finds the lock free.
        // The watcher count sits on the lock word's cache line, which this holder owns: reading it is nearly free, and
        // while it is zero nobody needs telling (see SegmentCore.Watching).
#if SHAREDSTRUCT_BENCH_NO_WATCHERS // a bench-only build variant: the release as it was before change notification (bench/)
        if (Volatile.Read(ref *lockWord) == held)
#else
        if (WatchersOf(lockWord) == 0 && Volatile.Read(ref *lockWord) == held)
#endif
        {
            Volatile.Write(ref *lockWord, LockWord.Released(held));
            if (_disposeState == DisposeNone)
                return;
            lockWord = null; // released: only the deferred disposal is left
        }
        ExitRest(lockWord, held);
    }

    /// <summary>Everything but the plain release: a release that wakes or tells watchers, and a disposal deferred to this release.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ExitRest(ulong* lockWord, ulong acquired)
    {
        // The gone word: the view is gone (nothing of it can be touched); null: the caller already released.
        if (lockWord != null && lockWord != GoneWord)
        {
            // Counted as a slow user: after the release CAS this still touches the header (watchers, futex wake),
            // and a Dispose on another thread that sees the lock free must not unmap under it.
            using var _ = SlowUse();
            ExitSlow(lockWord, acquired);
        }
        if (_disposeState != DisposeNone)
            FinishDeferredDispose(acquired);
    }

    private void ExitSlow(ulong* lockWord, ulong acquired)
    {
        while (true)
        {
            ulong current = Volatile.Read(ref *lockWord);
            if ((current & ~(ulong)LockWord.Waiters) != (acquired & ~(ulong)LockWord.Waiters))
                throw new SynchronizationLockException(
                    $"The lock of segment '{Name}' was taken over by another process while this guard held it (it judged this holder dead). Data written under this guard may be lost.");
            if (Interlocked.CompareExchange(ref *lockWord, LockWord.Released(current), current) == current)
            {
                if (Volatile.Read(ref WatchersOf(lockWord)) != 0)
                    NoteChange(lockFree: false);
                PlatformMapping? mapping = _mapping;
                if (((uint)current & LockWord.Waiters) != 0 && mapping is not null)
                {
                    int woken = mapping.Wake((uint*)lockWord, 1);
                    Interlocked.Increment(ref WakeCalls);
                    if (woken == 0)
                        Interlocked.Increment(ref FutileWakes);
                }
                return;
            }
        }
    }

    /// <summary>The header's acquisition count, found from the lock word's address like <see cref="WatchersOf"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref ulong AcquisitionsOf(ulong* lockWord) =>
        ref *(ulong*)((byte*)lockWord + (SegmentHeader.AcquisitionsOffset - SegmentHeader.LockWordOffset));

    /// <summary>The header's watcher count, found from the lock word's address (valid as long as the lock word is).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref int WatchersOf(ulong* lockWord) =>
        ref *(int*)((byte*)lockWord + (SegmentHeader.WatchersOffset - SegmentHeader.LockWordOffset));

    public TimeoutException TimeoutError(TimeSpan timeout)
    {
        // A slow user while it reads the header, like the wait that timed out: a Dispose on another thread waits.
        using var _ = SlowUse();
        ulong* lockWord = _releaseWord;
        if (_lockWord == null)
            return new TimeoutException($"Timed out after {timeout.TotalMilliseconds} ms waiting for the lock of segment '{Name}'.");
        ulong current = Volatile.Read(ref *lockWord);
        if (LockWord.IsFree(current))
            return new TimeoutException($"Timed out after {timeout.TotalMilliseconds} ms waiting for the lock of segment '{Name}' (it was busy and is free now; the segment is heavily contended).");
        if (LockWord.Token(current) == _token)
            return new TimeoutException(
                $"Timed out after {timeout.TotalMilliseconds} ms waiting for the lock of segment '{Name}': another thread of this process holds it through the same segment object. Dispose that guard first.");
        (int pid, bool _) = Holder(LockWord.Token(current));
        ulong clean = current & ~(ulong)LockWord.Waiters;
        long heldMs = Volatile.Read(ref _header->HeldSinceWord) == clean
            ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - _header->HeldSinceUnixMs
            : (long)timeout.TotalMilliseconds;
        return new TimeoutException(
            $"Timed out after {timeout.TotalMilliseconds} ms waiting for the lock of segment '{Name}': process {pid}{PidNamespaceNote(LockWord.Token(current))} holds it and has held it for at least {heldMs} ms. " +
            "That process is alive, so the lock was not recovered; find out why it holds the lock so long.");
    }

    /// <summary>" (in another PID namespace)" when the row's process id is another namespace's, so a reader does not look it up here.</summary>
    private string PidNamespaceNote(uint token)
    {
        int index = LockWord.SlotIndex(token);
        if (index < 0 || index >= SegmentHeader.SlotCount)
            return "";
        ulong theirs = Slot(index)->PidNamespace;
        ulong mine = Platform.Platforms.Current.CurrentProcess.PidNamespace;
        return theirs != 0 && mine != 0 && theirs != mine ? " (in another PID namespace)" : "";
    }
}
