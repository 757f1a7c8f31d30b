using System.Runtime.CompilerServices;
using System.Threading;

namespace SharedStruct.Benchmarks.Baselines;

/// <summary>The floor: a bare compare-and-swap spin lock on a word in shared memory. No timeout, no crash detection.</summary>
internal static class CasSpinLock
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Enter(ref long word)
    {
        while (Interlocked.CompareExchange(ref word, 1, 0) != 0)
            Thread.SpinWait(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Exit(ref long word) => Volatile.Write(ref word, 0);
}
