using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Watching;

namespace SharedStruct;

public sealed unsafe partial class SharedSegment<T>
{
    /// <summary>
    /// A number that changes whenever a guard is released, in any process, and (while anyone watches) whenever a
    /// generated lock-free write (<c>AddX</c>, <c>ExchangeX</c>, <c>CompareExchangeX</c>) changes a field. It does not
    /// move while a guard is held. Pass it to <see cref="WaitForChange"/> to sleep until the next change.
    /// </summary>
    public ulong Version => _core.Version;

    /// <summary>
    /// Returns true at once if <see cref="Version"/> differs from <paramref name="sinceVersion"/>; otherwise sleeps in
    /// the kernel until it does (true) or the timeout passes (false). A change made after <paramref name="sinceVersion"/>
    /// was read always ends the wait.
    /// </summary>
    /// <remarks>
    /// The first call registers this object as a watcher until it is disposed: from then on every writer's release also
    /// wakes watchers (one atomic and one wake-all per change). Without one, writers pay nothing.
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is neither <see cref="Timeout.InfiniteTimeSpan"/> nor 0 to int.MaxValue ms.</exception>
    public bool WaitForChange(ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ChangeWatch.WaitForChange(_core, sinceVersion, timeout, cancellationToken);

    /// <summary>Like <see cref="WaitForChange"/>, without blocking a thread: one dedicated thread per segment object sleeps for all pending waits.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the task is cancelled).</exception>
    public ValueTask<bool> WaitForChangeAsync(ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ChangeWatch.WaitForChangeAsync(_core, sinceVersion, timeout, cancellationToken);

    /// <summary>
    /// The current value first, then each new value as it is released. Changes it could not keep up with are coalesced:
    /// the latest value wins, and an older value never follows a newer one. A value a writer that died holding the lock
    /// may have left half-written is never yielded: the stream goes on with the value the recovering <c>Lock</c> releases.
    /// </summary>
    public IAsyncEnumerable<T> WatchAsync(CancellationToken cancellationToken = default) => ChangeWatch.Watch<T>(_core, cancellationToken);

    /// <summary>A consistent copy of the payload and the <see cref="Version"/> it shows (see <see cref="ReadSnapshot(TimeSpan, out bool)"/>).</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public T ReadSnapshot(TimeSpan timeout, out ulong version, out bool mayBeTorn) => ChangeWatch.Read<T>(_core, timeout, out version, out mayBeTorn);

    /// <summary>Like <see cref="Lock(TimeSpan)"/>, and gives up with <see cref="OperationCanceledException"/> within a few milliseconds of cancellation.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before or while waiting.</exception>
    /// <exception cref="TimeoutException">A live process held the lock for the whole timeout.</exception>
    public SegmentGuard<T> Lock(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!TryLock(timeout, out SegmentGuard<T> guard, cancellationToken))
            throw _core.TimeoutError(timeout);
        return guard;
    }

    /// <summary>Like <see cref="TryLock(TimeSpan, out SegmentGuard{T})"/>, and gives up with <see cref="OperationCanceledException"/> within a few milliseconds of cancellation.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before or while waiting.</exception>
    public bool TryLock(TimeSpan timeout, out SegmentGuard<T> guard, CancellationToken cancellationToken)
    {
        Locking.SegmentCore.CheckTimeout(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        if (_core.TryEnterFast(out ulong word))
        {
            guard = new SegmentGuard<T>(_core, word, wasAbandoned: false);
            return true;
        }
        if (_core.EnterSlow(Locking.SegmentCore.TimeoutMilliseconds(timeout), out word, out bool abandoned, cancellationToken))
        {
            guard = new SegmentGuard<T>(_core, word, abandoned, wasRolledBack: abandoned && _core.RollsBack);
            return true;
        }
        guard = default;
        return false;
    }

    /// <summary>
    /// For generated lock-free writes: tells watchers that a field changed without the lock. Free (one load) while
    /// nobody watches. Call it after the atomic operation.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void NoteLockFreeWrite() => _core.NoteLockFreeWrite();

    /// <summary>
    /// For generated lock-free writes: take it before the atomic operation and call <see cref="LockFreeWriteNotice.Written"/>
    /// after it. The same as <see cref="NoteLockFreeWrite"/> after the operation, with the watcher count's address
    /// found before it, so the check after the operation's fence is one load.
    /// </summary>
    /// <remarks>
    /// It checks nothing itself: the generated code calls <see cref="GetUnsynchronizedReference"/> between the two, which
    /// throws <see cref="ObjectDisposedException"/> for a disposed view before the notice is read.
    /// </remarks>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LockFreeWriteNotice PrepareLockFreeWrite() => _core.PrepareLockFreeWrite();
}
