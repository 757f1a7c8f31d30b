using System;
using SharedStruct.Snapshots;

namespace SharedStruct;

public sealed unsafe partial class SharedSegment<T>
{
    /// <summary>Runs <paramref name="update"/> on the payload under one lock taken with <see cref="DefaultLockTimeout"/>.</summary>
    /// <returns>True when the previous holder died holding the lock (see <see cref="SegmentGuard{T}.WasAbandoned"/>): the payload may be half-updated.</returns>
    /// <exception cref="TimeoutException">A live process held the lock for the whole timeout.</exception>
    public bool Update(SegmentUpdater<T> update) => Update(update, _core.DefaultLockTimeout);

    /// <summary>
    /// Runs <paramref name="update"/> on the payload under one lock: a <c>using</c> block over <see cref="Lock(TimeSpan)"/>
    /// in one call. If the callback throws, the lock is released with whatever it had written.
    /// </summary>
    /// <returns>True when the previous holder died holding the lock (see <see cref="SegmentGuard{T}.WasAbandoned"/>): the payload may be half-updated.</returns>
    /// <exception cref="TimeoutException">A live process held the lock for the whole timeout.</exception>
    public bool Update(SegmentUpdater<T> update, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(update);
        using SegmentGuard<T> guard = Lock(timeout);
        update(ref guard.Value);
        return guard.WasAbandoned;
    }

    /// <summary>Like <see cref="Update(SegmentUpdater{T}, TimeSpan)"/>, passing <paramref name="state"/> so the callback can be a <c>static</c> lambda (no closure allocated).</summary>
    /// <exception cref="TimeoutException">A live process held the lock for the whole timeout.</exception>
    public bool Update<TState>(SegmentUpdater<T, TState> update, TState state) => Update(update, state, _core.DefaultLockTimeout);

    /// <summary>Like <see cref="Update(SegmentUpdater{T}, TimeSpan)"/>, passing <paramref name="state"/> so the callback can be a <c>static</c> lambda (no closure allocated).</summary>
    /// <exception cref="TimeoutException">A live process held the lock for the whole timeout.</exception>
    public bool Update<TState>(SegmentUpdater<T, TState> update, TState state, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(update);
        using SegmentGuard<T> guard = Lock(timeout);
        update(ref guard.Value, state);
        return guard.WasAbandoned;
    }

    /// <summary>Computes a value from one consistent snapshot, waiting at most <see cref="DefaultLockTimeout"/> for a writer.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public TResult Read<TResult>(SegmentReader<T, TResult> reader) => SnapshotReads.Read(_core, reader, _core.DefaultLockTimeout);

    /// <summary>
    /// Computes a value from one consistent snapshot, read without taking the lock: <paramref name="reader"/> sees a
    /// private copy, never a half-written payload (except after a writer died mid-write, as for <see cref="ReadSnapshot(TimeSpan)"/>).
    /// The copy is on the stack up to 64 KiB, in native memory beyond; no GC allocation either way.
    /// </summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public TResult Read<TResult>(SegmentReader<T, TResult> reader, TimeSpan timeout) => SnapshotReads.Read(_core, reader, timeout);

    /// <summary>Like <see cref="Read{TResult}(SegmentReader{T, TResult}, TimeSpan)"/>, passing <paramref name="state"/> so the callback can be a <c>static</c> lambda.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public TResult Read<TState, TResult>(SegmentReader<T, TState, TResult> reader, TState state) =>
        SnapshotReads.Read(_core, reader, state, _core.DefaultLockTimeout);

    /// <summary>Like <see cref="Read{TResult}(SegmentReader{T, TResult}, TimeSpan)"/>, passing <paramref name="state"/> so the callback can be a <c>static</c> lambda.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public TResult Read<TState, TResult>(SegmentReader<T, TState, TResult> reader, TState state, TimeSpan timeout) =>
        SnapshotReads.Read(_core, reader, state, timeout);

    /// <summary>
    /// A consistent copy of the payload written into <paramref name="destination"/>, read without taking the lock. For
    /// payloads of any size: nothing of the payload's size goes on the stack (the by-value <see cref="ReadSnapshot(TimeSpan)"/>
    /// overflows it for payloads of a few MiB; the generator omits by-value snapshots above 64 KiB).
    /// </summary>
    /// <param name="destination">Caller storage: a field, an array element, native memory. Pinned during the copy.</param>
    /// <param name="timeout">How long to wait for a writer to finish.</param>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public void ReadSnapshot(ref T destination, TimeSpan timeout) => SnapshotReads.Into(_core, ref destination, timeout, out _, out _);

    /// <summary>Like <see cref="ReadSnapshot(ref T, TimeSpan)"/>; <paramref name="mayBeTorn"/> as for <see cref="ReadSnapshot(TimeSpan, out bool)"/>.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public void ReadSnapshot(ref T destination, TimeSpan timeout, out bool mayBeTorn) =>
        SnapshotReads.Into(_core, ref destination, timeout, out mayBeTorn, out _);

    /// <summary>Like <see cref="ReadSnapshot(ref T, TimeSpan)"/>, also giving the <see cref="Version"/> the copy shows.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public void ReadSnapshot(ref T destination, TimeSpan timeout, out ulong version, out bool mayBeTorn) =>
        SnapshotReads.Into(_core, ref destination, timeout, out mayBeTorn, out version);
}
