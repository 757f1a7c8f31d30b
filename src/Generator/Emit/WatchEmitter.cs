using SharedStruct.Generator.Model;

namespace SharedStruct.Generator.Emit;

/// <summary>The wrapper's change-notification and cancellable-lock members: thin forwards to the runtime segment.</summary>
internal static class WatchEmitter
{
    public static void Emit(IndentedWriter w, SegmentModel model)
    {
        string payload = model.FullyQualifiedName;
        string guard = $"global::SharedStruct.SegmentGuard<{payload}>";
        const string Token = "global::System.Threading.CancellationToken";
        const string TimeSpan = "global::System.TimeSpan";
        w.Blank();
        w.Write($$"""
            /// <summary>Takes the cross-process lock, giving up when <paramref name="cancellationToken"/> is cancelled.</summary>
            /// <param name="timeout">How long to wait for the lock.</param>
            /// <param name="cancellationToken">Ends the wait with an <see cref="global::System.OperationCanceledException"/> within a few milliseconds.</param>
            /// <returns>The guard; its <c>Value</c> is the payload, and <c>WasAbandoned</c> tells whether a holder died.</returns>
            /// <exception cref="global::System.TimeoutException">Another process held the lock for the whole timeout.</exception>
            public {{guard}} Lock({{TimeSpan}} timeout, {{Token}} cancellationToken) => _segment.Lock(timeout, cancellationToken);

            /// <summary>Like <see cref="Lock({{TimeSpan}}, {{Token}})"/>, but returns false instead of throwing on timeout.</summary>
            /// <param name="timeout">How long to wait for the lock.</param>
            /// <param name="guard">The guard when the lock was taken; <c>default</c> otherwise.</param>
            /// <param name="cancellationToken">Ends the wait with an <see cref="global::System.OperationCanceledException"/> within a few milliseconds.</param>
            /// <returns>True when the lock was taken.</returns>
            public bool TryLock({{TimeSpan}} timeout, out {{guard}} guard, {{Token}} cancellationToken) => _segment.TryLock(timeout, out guard, cancellationToken);

            /// <summary>A number that changes whenever a guard is released in any process (and, while anyone watches, with every lock-free write).</summary>
            public ulong Version => _segment.Version;

            /// <summary>Sleeps until <see cref="Version"/> differs from <paramref name="sinceVersion"/> (true) or the timeout passes (false); true at once if it already differs.</summary>
            /// <param name="sinceVersion">The version last seen.</param>
            /// <param name="timeout">How long to wait.</param>
            /// <param name="cancellationToken">Ends the wait with an <see cref="global::System.OperationCanceledException"/>.</param>
            /// <returns>Whether the version changed.</returns>
            public bool WaitForChange(ulong sinceVersion, {{TimeSpan}} timeout, {{Token}} cancellationToken = default) =>
                _segment.WaitForChange(sinceVersion, timeout, cancellationToken);

            /// <summary>Like <see cref="WaitForChange"/>, without blocking a thread.</summary>
            /// <param name="sinceVersion">The version last seen.</param>
            /// <param name="timeout">How long to wait.</param>
            /// <param name="cancellationToken">Cancels the wait.</param>
            /// <returns>Whether the version changed.</returns>
            public global::System.Threading.Tasks.ValueTask<bool> WaitForChangeAsync(ulong sinceVersion, {{TimeSpan}} timeout, {{Token}} cancellationToken = default) =>
                _segment.WaitForChangeAsync(sinceVersion, timeout, cancellationToken);
            """);
        if (!model.ByValueSnapshots)
            return;
        w.Blank();
        w.Write($$"""
            /// <summary>The current value first, then each new value; changes it could not keep up with are coalesced (latest wins). Never a value a writer that died holding the lock may have left half-written: the stream goes on with the value the recovering Lock releases.</summary>
            /// <param name="cancellationToken">Ends the enumeration.</param>
            /// <returns>The values, as they are released.</returns>
            public global::System.Collections.Generic.IAsyncEnumerable<{{payload}}> WatchAsync({{Token}} cancellationToken = default) =>
                _segment.WatchAsync(cancellationToken);

            /// <summary>A consistent copy of the payload and the <see cref="Version"/> it shows.</summary>
            /// <param name="timeout">How long to wait for a writer to finish.</param>
            /// <param name="version">The version the copy shows: pass it to <see cref="WaitForChange"/>.</param>
            /// <returns>The copy.</returns>
            public {{payload}} ReadSnapshot({{TimeSpan}} timeout, out ulong version) => _segment.ReadSnapshot(timeout, out version, out _);
            """);
    }
}
