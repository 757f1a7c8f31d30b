using System;
using SharedStruct.Snapshots;

namespace SharedStruct;

public sealed unsafe partial class ReadOnlySharedSegment<T>
{
    /// <summary>The timeout of the reads that take none: the options' <c>LockTimeout</c>, else the one given at open (one second unless set).</summary>
    public TimeSpan DefaultLockTimeout => _core.DefaultLockTimeout;

    /// <summary>Computes a value from one consistent snapshot, waiting at most <see cref="DefaultLockTimeout"/> for a writer.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public TResult Read<TResult>(SegmentReader<T, TResult> reader) => SnapshotReads.Read(_core, reader, _core.DefaultLockTimeout);

    /// <summary>
    /// Computes a value from one consistent snapshot: <paramref name="reader"/> sees a private copy, never a half-written
    /// payload (except after a writer died mid-write, as for <see cref="Read(TimeSpan, out bool)"/>). The copy is on the
    /// stack up to 64 KiB, in native memory beyond; no GC allocation either way.
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
    /// A consistent copy of the payload written into <paramref name="destination"/>: for payloads of any size, as nothing
    /// of the payload's size goes on the stack (the by-value <see cref="Read(TimeSpan)"/> overflows it for a few MiB).
    /// </summary>
    /// <param name="destination">Caller storage: a field, an array element, native memory. Pinned during the copy.</param>
    /// <param name="timeout">How long to wait for a writer to finish.</param>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public void ReadSnapshot(ref T destination, TimeSpan timeout) => SnapshotReads.Into(_core, ref destination, timeout, out _, out _);

    /// <summary>Like <see cref="ReadSnapshot(ref T, TimeSpan)"/>; <paramref name="mayBeTorn"/> as for <see cref="Read(TimeSpan, out bool)"/>.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public void ReadSnapshot(ref T destination, TimeSpan timeout, out bool mayBeTorn) =>
        SnapshotReads.Into(_core, ref destination, timeout, out mayBeTorn, out _);

    /// <summary>Like <see cref="ReadSnapshot(ref T, TimeSpan)"/>, also giving the <see cref="Version"/> the copy shows.</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public void ReadSnapshot(ref T destination, TimeSpan timeout, out ulong version, out bool mayBeTorn) =>
        SnapshotReads.Into(_core, ref destination, timeout, out mayBeTorn, out version);
}
