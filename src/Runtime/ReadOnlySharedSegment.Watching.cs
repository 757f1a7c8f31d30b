using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Watching;

namespace SharedStruct;

public sealed unsafe partial class ReadOnlySharedSegment<T>
{
    /// <summary>
    /// A number that changes whenever a writer releases a guard (and, while anyone watches, whenever a generated
    /// lock-free write changes a field). See <see cref="SharedSegment{T}.Version"/>.
    /// </summary>
    public ulong Version => _core.Version;

    /// <summary>
    /// Returns true at once if <see cref="Version"/> differs from <paramref name="sinceVersion"/>; otherwise sleeps until
    /// it does (true) or the timeout passes (false). A change made after <paramref name="sinceVersion"/> was read always
    /// ends the wait.
    /// </summary>
    /// <remarks>
    /// A read-only view registers as a watcher through a separate writable mapping of the segment's header page when this
    /// user may write the segment (the payload stays mapped read-only). A user who may only read it (another user's
    /// segment shared read-only), and every watcher on macOS, looks at the version every 10 ms instead.
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool WaitForChange(ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ChangeWatch.WaitForChange(_core, sinceVersion, timeout, cancellationToken);

    /// <summary>Like <see cref="WaitForChange"/>, without blocking a thread.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the task is cancelled).</exception>
    public ValueTask<bool> WaitForChangeAsync(ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ChangeWatch.WaitForChangeAsync(_core, sinceVersion, timeout, cancellationToken);

    /// <summary>
    /// The current value first, then each new value; changes it could not keep up with are coalesced (latest wins). A value
    /// a writer that died holding the lock may have left half-written is never yielded: the stream goes on with the value
    /// the recovering <c>Lock</c> releases.
    /// </summary>
    public IAsyncEnumerable<T> WatchAsync(CancellationToken cancellationToken = default) => ChangeWatch.Watch<T>(_core, cancellationToken);

    /// <summary>A consistent copy of the payload and the <see cref="Version"/> it shows (see <see cref="Read(TimeSpan, out bool)"/>).</summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public T Read(TimeSpan timeout, out ulong version, out bool mayBeTorn) => ChangeWatch.Read<T>(_core, timeout, out version, out mayBeTorn);
}
