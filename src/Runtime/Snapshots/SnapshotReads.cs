using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharedStruct.Locking;

namespace SharedStruct.Snapshots;

/// <summary>What the writable and the read-only view share of snapshot reads into caller storage and of <c>Read</c> helpers.</summary>
internal static unsafe class SnapshotReads
{
    /// <summary>A consistent copy straight into <paramref name="destination"/>: nothing of the payload's size on the stack.</summary>
    public static void Into<T>(SegmentCore core, ref T destination, TimeSpan timeout, out bool mayBeTorn, out ulong version) where T : unmanaged
    {
        int ms = SegmentCore.TimeoutMilliseconds(timeout);
        bool ok;
        // The destination may be a field of a heap object or an array element: pinned for the copy.
        fixed (T* target = &destination)
            ok = core.TryReadConsistent((byte*)target, ms, out mayBeTorn, out version);
        if (!ok)
            throw core.TimeoutError(timeout);
    }

    public static TResult Read<T, TResult>(SegmentCore core, SegmentReader<T, TResult> reader, TimeSpan timeout) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(reader);
        // A static lambda is one cached delegate per instantiation: the stateless overload allocates nothing either.
        return Read(core, static (in T value, SegmentReader<T, TResult> inner) => inner(in value), reader, timeout);
    }

    public static TResult Read<T, TState, TResult>(SegmentCore core, SegmentReader<T, TState, TResult> reader, TState state, TimeSpan timeout) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(reader);
        int ms = SegmentCore.TimeoutMilliseconds(timeout);
        // sizeof(T) is a constant for each instantiation, so only one branch is compiled. Each copy lives in its own
        // non-inlined method: a large T as a local would make even the caller's frame overflow the stack.
        return sizeof(T) <= PayloadLimits.MaxByValueSize
            ? ReadOnStack(core, reader, state, ms, timeout)
            : ReadInNativeMemory(core, reader, state, ms, timeout);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TResult ReadOnStack<T, TState, TResult>(SegmentCore core, SegmentReader<T, TState, TResult> reader, TState state, int ms, TimeSpan timeout)
        where T : unmanaged
    {
        T copy;
        if (!core.TryReadConsistent((byte*)&copy, ms, out _))
            throw core.TimeoutError(timeout);
        return reader(in copy, state);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TResult ReadInNativeMemory<T, TState, TResult>(SegmentCore core, SegmentReader<T, TState, TResult> reader, TState state, int ms, TimeSpan timeout)
        where T : unmanaged
    {
        // Native, not managed, memory: no GC allocation, and 64-byte alignment as in the segment itself.
        void* copy = NativeMemory.AlignedAlloc((nuint)sizeof(T), 64);
        try
        {
            if (!core.TryReadConsistent((byte*)copy, ms, out _))
                throw core.TimeoutError(timeout);
            return reader(in *(T*)copy, state);
        }
        finally
        {
            NativeMemory.AlignedFree(copy);
        }
    }
}
