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

    internal SegmentGuard(SegmentCore core, ulong word, bool wasAbandoned)
    {
        _core = core;
        _word = word;
        WasAbandoned = wasAbandoned;
    }

    /// <summary>
    /// A recovery's guard. A constructor of its own, so the fast path's (above) stays exactly what it was: with one
    /// constructor computing both flags the JIT stopped promoting the guard to registers in Lock + write + Dispose.
    /// </summary>
    internal SegmentGuard(SegmentCore core, ulong word, bool wasAbandoned, bool wasRolledBack)
    {
        _core = core;
        _word = word;
        WasAbandoned = wasAbandoned;
        WasRolledBack = wasRolledBack;
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
    public readonly bool WasAbandoned { get; }

    /// <summary>
    /// True when the segment is crash-atomic (<see cref="SharedSegmentOptions.RollbackOnCrash"/>) and this guard took the
    /// lock over from a dead holder: whatever that holder wrote was undone, and <see cref="Value"/> is the last committed
    /// state, whole. Always false in the default mode, where <see cref="WasAbandoned"/> alone reports the takeover.
    /// </summary>
    public readonly bool WasRolledBack { get; }

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
