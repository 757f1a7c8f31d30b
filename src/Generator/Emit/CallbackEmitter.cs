using SharedStruct.Generator.Model;

namespace SharedStruct.Generator.Emit;

/// <summary>
/// The wrappers' whole-struct members: <c>Update</c> (writable wrapper only), <c>Read</c> and the by-reference
/// <c>ReadSnapshot</c>; thin forwards to the runtime segment or view held in <c>_segment</c>.
/// </summary>
internal static class CallbackEmitter
{
    private const string TimeSpan = "global::System.TimeSpan";

    public static void Emit(IndentedWriter w, SegmentModel model, bool writable)
    {
        string payload = model.FullyQualifiedName;
        string updater = $"global::SharedStruct.SegmentUpdater<{payload}>";
        string stateUpdater = $"global::SharedStruct.SegmentUpdater<{payload}, TState>";
        string reader = $"global::SharedStruct.SegmentReader<{payload}, TResult>";
        string stateReader = $"global::SharedStruct.SegmentReader<{payload}, TState, TResult>";
        const string Timeout = "/// <exception cref=\"global::System.TimeoutException\">A live process held the lock for the whole timeout.</exception>";
        const string Abandoned = "/// <returns>True when the previous holder died holding the lock (<c>WasAbandoned</c>): the payload may be half-updated.</returns>";
        if (writable)
        {
            w.Blank();
            w.Write($$"""
                /// <summary>Runs <paramref name="update"/> on the payload under one lock, taken with the segment's default lock timeout: a <c>using</c> block over <see cref="Lock()"/> in one call.</summary>
                /// <param name="update">Changes the payload in shared memory; if it throws, the lock is released with what it wrote.</param>
                {{Abandoned}}
                {{Timeout}}
                public bool Update({{updater}} update) => _segment.Update(update);

                /// <summary>Runs <paramref name="update"/> on the payload under one lock.</summary>
                /// <param name="update">Changes the payload in shared memory; if it throws, the lock is released with what it wrote.</param>
                /// <param name="timeout">How long to wait for the lock.</param>
                {{Abandoned}}
                {{Timeout}}
                public bool Update({{updater}} update, {{TimeSpan}} timeout) => _segment.Update(update, timeout);

                /// <summary>Runs <paramref name="update"/> with <paramref name="state"/> under one lock, taken with the segment's default lock timeout; with a <c>static</c> lambda nothing is allocated.</summary>
                /// <typeparam name="TState">The state's type.</typeparam>
                /// <param name="update">Changes the payload in shared memory; if it throws, the lock is released with what it wrote.</param>
                /// <param name="state">Passed to <paramref name="update"/>.</param>
                {{Abandoned}}
                {{Timeout}}
                public bool Update<TState>({{stateUpdater}} update, TState state) => _segment.Update(update, state);

                /// <summary>Runs <paramref name="update"/> with <paramref name="state"/> under one lock; with a <c>static</c> lambda nothing is allocated.</summary>
                /// <typeparam name="TState">The state's type.</typeparam>
                /// <param name="update">Changes the payload in shared memory; if it throws, the lock is released with what it wrote.</param>
                /// <param name="state">Passed to <paramref name="update"/>.</param>
                /// <param name="timeout">How long to wait for the lock.</param>
                {{Abandoned}}
                {{Timeout}}
                public bool Update<TState>({{stateUpdater}} update, TState state, {{TimeSpan}} timeout) => _segment.Update(update, state, timeout);
                """);
        }
        w.Blank();
        w.Write($$"""
            /// <summary>Computes a value from one consistent snapshot, read without taking the lock, waiting at most the default lock timeout for a writer.</summary>
            /// <typeparam name="TResult">The result's type.</typeparam>
            /// <param name="reader">Gets a private copy of the payload (on the stack up to 64 KiB, in native memory beyond).</param>
            /// <returns>What <paramref name="reader"/> returned.</returns>
            {{Timeout}}
            public TResult Read<TResult>({{reader}} reader) => _segment.Read(reader);

            /// <summary>Computes a value from one consistent snapshot, read without taking the lock.</summary>
            /// <typeparam name="TResult">The result's type.</typeparam>
            /// <param name="reader">Gets a private copy of the payload (on the stack up to 64 KiB, in native memory beyond).</param>
            /// <param name="timeout">How long to wait for a writer to finish.</param>
            /// <returns>What <paramref name="reader"/> returned.</returns>
            {{Timeout}}
            public TResult Read<TResult>({{reader}} reader, {{TimeSpan}} timeout) => _segment.Read(reader, timeout);

            /// <summary>Computes a value from one consistent snapshot and <paramref name="state"/>, waiting at most the default lock timeout; with a <c>static</c> lambda nothing is allocated.</summary>
            /// <typeparam name="TState">The state's type.</typeparam>
            /// <typeparam name="TResult">The result's type.</typeparam>
            /// <param name="reader">Gets a private copy of the payload and <paramref name="state"/>.</param>
            /// <param name="state">Passed to <paramref name="reader"/>.</param>
            /// <returns>What <paramref name="reader"/> returned.</returns>
            {{Timeout}}
            public TResult Read<TState, TResult>({{stateReader}} reader, TState state) => _segment.Read(reader, state);

            /// <summary>Computes a value from one consistent snapshot and <paramref name="state"/>; with a <c>static</c> lambda nothing is allocated.</summary>
            /// <typeparam name="TState">The state's type.</typeparam>
            /// <typeparam name="TResult">The result's type.</typeparam>
            /// <param name="reader">Gets a private copy of the payload and <paramref name="state"/>.</param>
            /// <param name="state">Passed to <paramref name="reader"/>.</param>
            /// <param name="timeout">How long to wait for a writer to finish.</param>
            /// <returns>What <paramref name="reader"/> returned.</returns>
            {{Timeout}}
            public TResult Read<TState, TResult>({{stateReader}} reader, TState state, {{TimeSpan}} timeout) => _segment.Read(reader, state, timeout);

            /// <summary>A consistent copy of the payload, read without taking the lock, written into caller storage: for payloads of any size, nothing of theirs goes on the stack.</summary>
            /// <param name="destination">Where the copy goes: a field, an array element, native memory.</param>
            /// <param name="timeout">How long to wait for a writer to finish.</param>
            {{Timeout}}
            public void ReadSnapshot(ref {{payload}} destination, {{TimeSpan}} timeout) => _segment.ReadSnapshot(ref destination, timeout);

            /// <summary>Like <see cref="ReadSnapshot(ref {{payload}}, {{TimeSpan}})"/>, also giving the version the copy shows.</summary>
            /// <param name="destination">Where the copy goes: a field, an array element, native memory.</param>
            /// <param name="timeout">How long to wait for a writer to finish.</param>
            /// <param name="version">The version the copy shows: pass it to <c>WaitForChange</c>.</param>
            {{Timeout}}
            public void ReadSnapshot(ref {{payload}} destination, {{TimeSpan}} timeout, out ulong version) => _segment.ReadSnapshot(ref destination, timeout, out version, out _);
            """);
    }
}
