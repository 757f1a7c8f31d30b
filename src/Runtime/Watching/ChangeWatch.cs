using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Locking;

namespace SharedStruct.Watching;

/// <summary>What the writable and the read-only view share of watching: argument checks, versioned reads, the watch loop.</summary>
internal static unsafe class ChangeWatch
{
    public static bool WaitForChange(SegmentCore core, ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken) =>
        core.WaitForChange(sinceVersion, SegmentCore.TimeoutMilliseconds(timeout), cancellationToken);

    public static ValueTask<bool> WaitForChangeAsync(SegmentCore core, ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken) =>
        core.WaitForChangeAsync(sinceVersion, SegmentCore.TimeoutMilliseconds(timeout), cancellationToken);

    public static T Read<T>(SegmentCore core, TimeSpan timeout, out ulong version, out bool mayBeTorn) where T : unmanaged
    {
        T copy;
        if (core.TryReadConsistent((byte*)&copy, SegmentCore.TimeoutMilliseconds(timeout), out mayBeTorn, out version))
            return copy;
        throw core.TimeoutError(timeout);
    }

    /// <summary>
    /// The current value, then each newer one. A value is read after the wait that announced it, so a watcher that
    /// falls behind skips to the latest value (never an older one after a newer one).
    /// </summary>
    /// <remarks>
    /// A value that may be torn (its writer died holding the lock, default mode) is never yielded: the stream has no way
    /// to say so, and a dashboard would show it as fact. The stream waits instead, and goes on with the value that the
    /// <c>Lock</c> which recovers the segment releases. The versioned snapshot reads return such a value with
    /// <c>mayBeTorn</c> set, for a caller that wants to see it.
    /// </remarks>
    public static async IAsyncEnumerable<T> Watch<T>(SegmentCore core, [EnumeratorCancellation] CancellationToken cancellationToken) where T : unmanaged
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            T value = Read<T>(core, core.DefaultLockTimeout, out ulong version, out bool mayBeTorn);
            if (!mayBeTorn)
                yield return value;
            await core.WaitForChangeAsync(version, Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
    }
}
