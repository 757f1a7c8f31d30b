using System;
using System.Runtime.InteropServices;

namespace SharedStruct.Benchmarks;

/// <summary>Pins the calling thread to one processor (Linux; elsewhere a no-op), so a measurement runs on a placement chosen, not drawn.</summary>
internal static partial class CpuAffinity
{
    /// <summary>Pins the calling thread to processor <paramref name="cpu"/> modulo the processor count; returns whether it took.</summary>
    public static bool PinCurrentThread(int cpu)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        ulong mask = 1UL << (cpu % Math.Min(Environment.ProcessorCount, 64));
        return SchedSetAffinity(0, sizeof(ulong), ref mask) == 0;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint size, ref ulong mask);
}
