using System.Globalization;
using SharedStruct.Generator.Model;

namespace SharedStruct.Generator.Emit;

/// <summary>
/// Writes the <c>&lt;Struct&gt;ReadOnlySegment</c> class: the read-only view with the writable wrapper's typed getters,
/// each one consistent snapshot instead of a lock.
/// </summary>
internal static class ReadOnlySegmentEmitter
{
    private const string TimeSpan = "global::System.TimeSpan";
    private const string Token = "global::System.Threading.CancellationToken";
    private const string FixedBuffer = "global::SharedStruct.FixedBuffer";

    public static void Emit(IndentedWriter w, SegmentModel model)
    {
        string segment = Identifiers.Escape(model.ReadOnlyClassName);
        string payload = model.FullyQualifiedName;
        string view = $"global::SharedStruct.ReadOnlySharedSegment<{payload}>";
        string unsafeModifier = model.NeedsUnsafe ? "unsafe " : "";

        w.Write($$"""
            /// <summary>
            /// The shared segment <c>{{model.SegmentName}}</c> mapped read-only (the kernel refuses writes), with typed getters generated
            /// from the fields of <see cref="{{payload}}"/>: each get is one consistent snapshot, read without the lock.
            /// </summary>
            """);
        w.Open($"{model.Accessibility} sealed {unsafeModifier}class {segment} : global::System.IDisposable");
        w.Write($$"""
            private readonly {{view}} _segment;

            internal {{segment}}({{view}} segment) => _segment = segment;

            /// <summary>The segment name.</summary>
            public string Name => _segment.Name;

            /// <summary>Where the segment lives: a file path, or a kernel object name on Windows.</summary>
            public string Location => _segment.Location;

            /// <summary>The underlying runtime view, for the APIs this wrapper does not repeat.</summary>
            public {{view}} Segment => _segment;

            /// <summary>How long the getters and the reads without a timeout wait for a writer: the options' <c>LockTimeout</c>, else the attribute's.</summary>
            public {{TimeSpan}} DefaultLockTimeout => _segment.DefaultLockTimeout;

            /// <summary>A number that changes whenever a writer releases a guard (and, while anyone watches, with every lock-free write).</summary>
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
        if (model.ByValueSnapshots)
        {
            w.Blank();
            w.Write($$"""
                /// <summary>The current value first, then each new value; changes it could not keep up with are coalesced (latest wins). Never a value a writer that died holding the lock may have left half-written: the stream goes on with the value the recovering Lock releases.</summary>
                /// <param name="cancellationToken">Ends the enumeration.</param>
                /// <returns>The values, as they are released.</returns>
                public global::System.Collections.Generic.IAsyncEnumerable<{{payload}}> WatchAsync({{Token}} cancellationToken = default) =>
                    _segment.WatchAsync(cancellationToken);

                /// <summary>A consistent copy of the payload, waiting at most <see cref="DefaultLockTimeout"/> for a writer.</summary>
                /// <returns>The copy.</returns>
                /// <exception cref="global::System.TimeoutException">A live writer held the lock for the whole timeout.</exception>
                public {{payload}} ReadSnapshot() => _segment.Read();

                /// <summary>A consistent copy of the payload.</summary>
                /// <param name="timeout">How long to wait for a writer to finish.</param>
                /// <returns>The copy.</returns>
                /// <exception cref="global::System.TimeoutException">A live writer held the lock for the whole timeout.</exception>
                public {{payload}} ReadSnapshot({{TimeSpan}} timeout) => _segment.Read(timeout);

                /// <summary>A consistent copy of the payload and the <see cref="Version"/> it shows.</summary>
                /// <param name="timeout">How long to wait for a writer to finish.</param>
                /// <param name="version">The version the copy shows: pass it to <see cref="WaitForChange"/>.</param>
                /// <returns>The copy.</returns>
                /// <exception cref="global::System.TimeoutException">A live writer held the lock for the whole timeout.</exception>
                public {{payload}} ReadSnapshot({{TimeSpan}} timeout, out ulong version) => _segment.Read(timeout, out version, out _);
                """);
        }
        CallbackEmitter.Emit(w, model, writable: false);
        w.Blank();
        w.Write("""
            /// <summary>Unmaps the segment and leaves (releases its reader registration).</summary>
            public void Dispose() => _segment.Dispose();
            """);

        foreach (MemberModel member in model.Members)
        {
            w.Blank();
            EmitGetter(w, model, member);
        }
        w.Close();
    }

    private static void EmitGetter(IndentedWriter w, SegmentModel model, MemberModel member)
    {
        string field = "value." + Identifiers.Escape(member.FieldName);
        string length = member.Length.ToString(CultureInfo.InvariantCulture);
        string cref = $"<see cref=\"{model.FullyQualifiedName}.{Identifiers.Escape(member.FieldName)}\"/>";
        string where = $"<c>{SegmentEmitter.Xml(member.LayoutType)}</c> at offset {member.Offset.ToString(CultureInfo.InvariantCulture)}";
        string reader = $"static (in {model.FullyQualifiedName} value)";
        const string Timeout = "/// <exception cref=\"global::System.TimeoutException\">A live writer held the lock for the whole <see cref=\"DefaultLockTimeout\"/>.</exception>";
        switch (member.Kind)
        {
            case MemberKind.Value:
                w.Write($$"""
                    /// <summary>Gets {{cref}} ({{where}}) from one consistent snapshot, waiting at most <see cref="DefaultLockTimeout"/> for a writer. Use <c>Read</c> to get several fields from the same snapshot.</summary>
                    {{Timeout}}
                    public {{member.TypeName}} {{Identifiers.Escape(member.PropertyName)}} => _segment.Read({{reader}} => {{field}});
                    """);
                break;
            case MemberKind.FixedString:
                w.Write($$"""
                    /// <summary>Gets {{cref}} ({{where}}) as a string, up to the first NUL character, from one consistent snapshot.</summary>
                    {{Timeout}}
                    public string {{Identifiers.Escape(member.PropertyName)}} => _segment.Read({{reader}} => {{FixedBuffer}}.GetString({{FixedBuffer}}.AsReadOnlySpan(in {{field}}[0], {{length}})));
                    """);
                break;
            default:
                string type = member.TypeName;
                w.Write($$"""
                    /// <summary>Copies the {{length}} elements of {{cref}} ({{where}}) from one consistent snapshot into <paramref name="destination"/>.</summary>
                    /// <param name="destination">Receives the elements; must hold at least {{length}}.</param>
                    /// <exception cref="global::System.ArgumentException"><paramref name="destination"/> is shorter than {{length}} elements.</exception>
                    {{Timeout}}
                    public void {{Identifiers.Escape(member.ReadName)}}(global::System.Span<{{type}}> destination)
                    {
                        if (destination.Length < {{length}})
                            throw new global::System.ArgumentException("The destination must hold at least {{length}} elements.", nameof(destination));
                        // A span cannot be a callback's state: the pinned address is.
                        fixed ({{type}}* target = destination)
                        {
                            _segment.Read({{reader.Replace(" value)", " value, nint address)")}} =>
                            {
                                {{FixedBuffer}}.AsReadOnlySpan(in {{field}}[0], {{length}}).CopyTo(new global::System.Span<{{type}}>((void*)address, {{length}}));
                                return true;
                            }, (nint)target);
                        }
                    }
                    """);
                break;
        }
    }
}
