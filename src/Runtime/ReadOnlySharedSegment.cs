using System;
using SharedStruct.Locking;

namespace SharedStruct;

/// <summary>
/// A segment mapped read-only: the mapping itself refuses writes, and this type offers none. Reads are consistent
/// copies taken without the lock (a sequence check on the lock word), so readers never slow writers down. An open
/// read-only view registers as a reader (a kernel-held marker), so tools see it and the segment is not deleted under it.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed unsafe partial class ReadOnlySharedSegment<T> : IDisposable where T : unmanaged
{
    private readonly SegmentCore _core;

    internal ReadOnlySharedSegment(SegmentCore core) => _core = core;

    /// <summary>The segment name.</summary>
    public string Name => _core.Name;

    /// <summary>Where the segment lives.</summary>
    public string Location => _core.Location;

    /// <summary>The layout fingerprint.</summary>
    public ulong Fingerprint => _core.Fingerprint;

    /// <summary>
    /// Whether the segment is crash-atomic (see <see cref="SharedSegmentOptions.RollbackOnCrash"/>): then reads copy the
    /// last committed state, never wait for a writer and are never torn, even after a writer died holding the lock.
    /// </summary>
    public bool RollbackOnCrash => _core.RollsBack;

    /// <summary>A consistent copy of the payload.</summary>
    /// <remarks>
    /// If a writer died holding the lock, this returns the payload as that writer left it, within the timeout, rather
    /// than failing; use <see cref="Read(TimeSpan, out bool)"/> to learn when that is the case.
    /// </remarks>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public T Read(TimeSpan timeout) => Snapshot(_core, timeout, out _);

    /// <summary>
    /// A consistent copy of the payload. <paramref name="mayBeTorn"/> is true when the lock's holder died mid-write:
    /// the copy is the payload as it left it, perhaps half-updated. A read-only view cannot recover the lock; the next
    /// writer's <c>Lock</c> does (and is told <c>WasAbandoned</c>), and reads are whole again from then on.
    /// </summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public T Read(TimeSpan timeout, out bool mayBeTorn) => Snapshot(_core, timeout, out mayBeTorn);

    /// <summary>A consistent copy of the payload, waiting at most <see cref="DefaultLockTimeout"/> for a writer.</summary>
    public T Read() => Snapshot(_core, _core.DefaultLockTimeout, out _);

    /// <summary>Like <see cref="Read(TimeSpan)"/>, but returns false instead of throwing.</summary>
    public bool TryRead(TimeSpan timeout, out T value) => TryRead(timeout, out value, out _);

    /// <summary>Like <see cref="Read(TimeSpan, out bool)"/>, but returns false instead of throwing.</summary>
    public bool TryRead(TimeSpan timeout, out T value, out bool mayBeTorn)
    {
        T copy;
        bool ok = _core.TryReadConsistent((byte*)&copy, SegmentCore.TimeoutMilliseconds(timeout), out mayBeTorn);
        value = ok ? copy : default;
        return ok;
    }

    /// <summary>
    /// The payload as it is this instant, with no consistency check: a concurrent writer may be half-way through.
    /// For monitoring tools and for fields written atomically.
    /// </summary>
    public ref readonly T GetUnsynchronizedReference() => ref *(T*)_core.Payload;

    /// <summary>Unmaps the segment and leaves (releases its reader registration).</summary>
    public void Dispose() => _core.Dispose();

    internal static T Snapshot(SegmentCore core, TimeSpan timeout, out bool mayBeTorn)
    {
        T copy;
        if (core.TryReadConsistent((byte*)&copy, SegmentCore.TimeoutMilliseconds(timeout), out mayBeTorn))
            return copy;
        throw core.TimeoutError(timeout);
    }
}
