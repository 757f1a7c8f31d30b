using System;

namespace SharedStruct;

/// <summary>How <see cref="SharedSegment{T}.Open"/> treats an existing or missing segment.</summary>
public enum SegmentOpenMode
{
    /// <summary>Open the segment, creating it if it does not exist (the default). <c>IsCreator</c> tells which happened.</summary>
    CreateOrOpen = 0,

    /// <summary>Create the segment; fail with an <see cref="System.IO.IOException"/> if it already exists.</summary>
    CreateNew = 1,

    /// <summary>Open an existing segment; fail with a <see cref="System.IO.FileNotFoundException"/> if there is none.</summary>
    OpenExisting = 2,
}

/// <summary>Who may open a segment this process creates.</summary>
public enum SegmentSharing
{
    /// <summary>Only the creating user (mode 0600 on Unix). Segments owned by another user are refused. The default.</summary>
    OwnerOnly = 0,

    /// <summary>The creating user and its group (mode 0660). Segments owned by another user are accepted.</summary>
    Group = 1,

    /// <summary>Every local user (mode 0666). Segments owned by another user are accepted.</summary>
    Everyone = 2,
}

/// <summary>Options for opening a shared segment. Every property has a safe default.</summary>
public sealed class SharedSegmentOptions
{
    /// <summary>Create-or-open (default), create-new or open-existing.</summary>
    public SegmentOpenMode Mode { get; set; } = SegmentOpenMode.CreateOrOpen;

    /// <summary>
    /// Map the segment read-only. Use <see cref="SharedSegment{T}.OpenReadOnly"/>, which returns a type with no
    /// write path; a read-only segment must already exist.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// An observer (<see cref="SegmentWatcher"/>) maps the segment read-only without attaching: it does not keep the
    /// segment from being deleted, as a tool watching it should not.
    /// </summary>
    internal bool Observer { get; set; }

    /// <summary>
    /// Unix only: the directory holding named segments. Defaults to <c>/dev/shm</c> on Linux and a per-user
    /// private directory under the temporary folder on macOS. Ignored for file-backed segments.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Back the segment with this file instead of anonymous shared memory; its contents survive the processes
    /// (and a reboot). Call <c>Flush()</c> to push writes to disk.
    /// </summary>
    public string? FilePath { get; set; }

    /// <summary>
    /// Allow a file-backed segment on a network or FUSE file system. Off by default: such file systems do not keep
    /// memory mappings coherent between processes, so locking and data would silently break.
    /// </summary>
    public bool AllowNetworkFileSystem { get; set; }

    /// <summary>Who may open a segment this call creates. Owner-only by default.</summary>
    public SegmentSharing Sharing { get; set; } = SegmentSharing.OwnerOnly;

    /// <summary>Windows only: place the segment in the <c>Global\</c> namespace (visible across login sessions) instead of <c>Local\</c>.</summary>
    public bool Global { get; set; }

    /// <summary>
    /// How long an opener waits for a racing creator to finish initialising the segment. One second by default.
    /// </summary>
    /// <remarks>
    /// Checked when the segment is opened, with the range of every other timeout: 0 up to <see cref="int.MaxValue"/>
    /// milliseconds (about 24.8 days); anything else makes the open throw <see cref="ArgumentOutOfRangeException"/>.
    /// Unlike a lock timeout it cannot be <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: a creator that died
    /// before sizing the file or writing the header leaves an empty or all-zero file, which looks exactly like a creator
    /// that is still busy, so only the timeout ends that wait (with an error that names the file). A dead creator that did
    /// write the header is told apart by its init marker: a writable open takes its segment over at once, whatever the timeout.
    /// </remarks>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The timeout of <c>Lock()</c> without an argument. When null, the attribute's (or 1000 ms).</summary>
    public TimeSpan? LockTimeout { get; set; }

    /// <summary>
    /// Crash-atomic critical sections (off by default). Taking the lock backs the payload up before the section writes
    /// it, releasing a guard commits the payload, and a <c>Lock</c> that recovers the lock from a dead holder first
    /// restores the payload from that holder's backup (<see cref="SegmentGuard{T}.WasRolledBack"/>), so no one ever sees a
    /// half-done update. Snapshots and read-only views read the last committed state (the backup while a section is
    /// open) and never wait for a writer. Costs a copy of the payload per acquire and twice the payload's memory. Recorded in the segment: every process must use the same mode (a
    /// <see cref="SegmentLayoutMismatchException"/> otherwise). For a generated struct, set it on <c>[SharedSegment]</c> instead.
    /// </summary>
    public bool RollbackOnCrash { get; set; }

    /// <summary>
    /// For generated code: <paramref name="options"/> with the crash-atomic mode its struct's <c>[SharedSegment]</c>
    /// declares. The attribute decides, because the generated lock-free methods and the analyzer follow it.
    /// </summary>
    /// <exception cref="ArgumentException">The options ask for <see cref="RollbackOnCrash"/> but the struct does not declare it.</exception>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static SharedSegmentOptions? WithDeclaredMode(SharedSegmentOptions? options, bool rollbackOnCrash)
    {
        if ((options?.RollbackOnCrash ?? false) == rollbackOnCrash)
            return options;
        if (!rollbackOnCrash)
            throw new ArgumentException(
                "These options set RollbackOnCrash, but the struct's [SharedSegment] does not: declare it there ([SharedSegment(\"name\", RollbackOnCrash = true)]), so that the generated AddX/ExchangeX/CompareExchangeX take the lock and the analyzer checks unsynchronised writes.",
                nameof(options));
        var copy = options is null ? new SharedSegmentOptions() : (SharedSegmentOptions)options.MemberwiseClone();
        copy.RollbackOnCrash = true;
        return copy;
    }

    /// <summary>
    /// Where the segment's metrics go: the <c>SharedStruct</c> meter this factory creates (a DI container's, so they are
    /// disposed with it). When null, the process-wide <c>SharedStruct</c> meter. See <see cref="Diagnostics.SharedStructMetrics"/>.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>A copy of these options with <see cref="Mode"/> set to <paramref name="mode"/>; these are not changed.</summary>
    public SharedSegmentOptions WithMode(SegmentOpenMode mode)
    {
        var copy = (SharedSegmentOptions)MemberwiseClone();
        copy.Mode = mode;
        return copy;
    }

    internal static readonly SharedSegmentOptions Default = new();
}
