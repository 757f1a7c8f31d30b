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

/// <summary>The lock: an owner token in the lock word, a futex to sleep on, recovery from a dead holder.</summary>
internal sealed unsafe partial class SegmentCore
{
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
}
