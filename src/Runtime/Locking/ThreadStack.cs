using System;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>
/// Which thread holds a lock, told by its stack. The uncontended acquire records the address of a local (free: no
/// call, no thread-static), and only the slow path asks whether that address lies on the calling thread's stack.
/// Thread stacks never overlap while their threads live, so the answer is exact; reading the thread id instead cost
/// a call on every acquire, a fifth of the uncontended Lock+write+Dispose.
/// </summary>
internal static unsafe class ThreadStack
{
    /// <summary>Beyond this distance above the caller's frame, an address is not taken for its own when the platform cannot give the bounds.</summary>
    private const nuint FallbackReach = 256 * 1024;

    [ThreadStatic] private static nuint t_low;
    [ThreadStatic] private static nuint t_high;
    [ThreadStatic] private static bool t_known;

    /// <summary>Whether <paramref name="address"/> (recorded by <see cref="SegmentCore"/> at an acquire) is on this thread's stack. 0 never is.</summary>
    public static bool IsOnCurrentStack(nuint address)
    {
        if (address == 0)
            return false;
        if (!t_known)
        {
            if (!Platforms.Current.TryGetCurrentThreadStack(out t_low, out t_high))
                t_low = t_high = 0;
            t_known = true;
        }
        if (t_high != 0)
            return address >= t_low && address < t_high;
        // No bounds from the platform: stacks grow down, so a frame of this thread that is still live lies a little
        // above this one. Another thread's frame can only be that close if its stack sits right above this one and
        // is nearly exhausted.
        byte here;
        nuint me = (nuint)(&here);
        return address > me && address - me < FallbackReach;
    }
}
