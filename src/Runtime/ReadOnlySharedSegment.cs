using System;
using SharedStruct.Locking;

namespace SharedStruct;

/// <summary>
/// A segment mapped read-only: the mapping itself refuses writes, and this type offers none. Reads are consistent
/// copies taken without the lock (a sequence check on the lock word), so readers never slow writers down.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed unsafe class ReadOnlySharedSegment<T> : IDisposable where T : unmanaged
{
    private readonly SegmentCore _core;

    internal ReadOnlySharedSegment(SegmentCore core) => _core = core;

    /// <summary>The segment name.</summary>
    public string Name => _core.Name;

    /// <summary>Where the segment lives.</summary>
    public string Location => _core.Location;

    /// <summary>The layout fingerprint.</summary>
    public ulong Fingerprint => _core.Fingerprint;

    /// <summary>A consistent copy of the payload.</summary>
    /// <exception cref="TimeoutException">A writer held the lock for the whole timeout, or died holding it.</exception>
    public T Read(TimeSpan timeout) => Snapshot(_core, timeout);

    /// <summary>A consistent copy of the payload with the default timeout (one second).</summary>
    public T Read() => Snapshot(_core, _core.DefaultLockTimeout);

    /// <summary>Like <see cref="Read(TimeSpan)"/>, but returns false instead of throwing.</summary>
    public bool TryRead(TimeSpan timeout, out T value)
    {
        T copy;
        bool ok = _core.TryReadConsistent((byte*)&copy, SegmentCore.TimeoutMilliseconds(timeout), out _);
        value = ok ? copy : default;
        return ok;
    }

    /// <summary>
    /// The payload as it is this instant, with no consistency check: a concurrent writer may be half-way through.
    /// For monitoring tools and for fields written atomically.
    /// </summary>
    public ref readonly T GetUnsynchronizedReference() => ref *(T*)_core.Payload;

    /// <summary>Unmaps the segment.</summary>
    public void Dispose() => _core.Dispose();

    internal static T Snapshot(SegmentCore core, TimeSpan timeout)
    {
        T copy;
        if (core.TryReadConsistent((byte*)&copy, SegmentCore.TimeoutMilliseconds(timeout), out bool holderDead))
            return copy;
        if (holderDead)
            throw new TimeoutException($"Cannot read segment '{core.Name}' consistently: a process died while holding its lock, mid-write. A writer's next Lock() recovers it (WasAbandoned).");
        throw core.TimeoutError(timeout);
    }
}
