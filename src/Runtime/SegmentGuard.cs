using System;
using System.Runtime.CompilerServices;
using SharedStruct.Locking;

namespace SharedStruct;

/// <summary>
/// Holds a segment's cross-process lock until disposed. A <c>ref struct</c>, so it cannot be stored on the heap or
/// held across an <c>await</c> (which could resume on another thread). Use it in a <c>using</c> statement.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public unsafe ref struct SegmentGuard<T> where T : unmanaged
{
    private SegmentCore? _core;
    private readonly ulong _word;
    /// <summary>Bit 0: <see cref="WasAbandoned"/>; bit 1: <see cref="WasRolledBack"/>. One byte, as the single bool it replaced: the fast path stores a constant 0.</summary>
    private readonly byte _recovery;

    internal SegmentGuard(SegmentCore core, ulong word, bool wasAbandoned, bool wasRolledBack = false)
    {
        _core = core;
        _word = word;
        _recovery = (byte)((wasAbandoned ? 1 : 0) | (wasRolledBack ? 2 : 0));
    }

    /// <summary>The payload, in shared memory. Valid until the guard is disposed.</summary>
    public readonly ref T Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            SegmentCore? core = _core;
            if (core is null)
                ThrowNotHeld();
            return ref *(T*)core.Payload;
        }
    }

    /// <summary>
    /// True when the previous holder died (or closed the segment) while holding the lock, and this guard took the
    /// lock over. The payload may be half-updated: check or repair it before trusting it, unless
    /// <see cref="WasRolledBack"/> is true.
    /// </summary>
    public readonly bool WasAbandoned => (_recovery & 1) != 0;

    /// <summary>
    /// True when the segment is crash-atomic (<see cref="SharedSegmentOptions.RollbackOnCrash"/>) and this guard took the
    /// lock over from a dead holder: whatever that holder wrote was undone, and <see cref="Value"/> is the last committed
    /// state, whole. Always false in the default mode, where <see cref="WasAbandoned"/> alone reports the takeover.
    /// </summary>
    public readonly bool WasRolledBack => (_recovery & 2) != 0;

    /// <summary>Whether this guard holds the lock (false for <c>default</c> and after <see cref="Dispose"/>).</summary>
    public readonly bool IsHeld => _core is not null;

    /// <summary>Releases the lock. Safe to call twice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose()
    {
        SegmentCore? core = _core;
        if (core is not null)
        {
            _core = null;
            core.Exit(_word);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotHeld() =>
        throw new InvalidOperationException("This guard does not hold the lock: it was disposed, or it is default.");
}
