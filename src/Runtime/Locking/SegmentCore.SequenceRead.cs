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

/// <summary>Lock-free consistent reads: the lock word's generation serves as a sequence lock.</summary>
internal sealed unsafe partial class SegmentCore
{
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
}
