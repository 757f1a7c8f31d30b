namespace SharedStruct.Diagnostics;

/// <summary>
/// The names of the <c>SharedStruct</c> meter's instruments and of its one tag. Compiled into the runtime, which creates
/// the instruments, and linked into SharedStruct.Extensions.Hosting, which logs from two of them by name, so the two
/// cannot drift apart.
/// </summary>
/// <remarks>
/// Two families, told apart by their first namespace below <c>sharedstruct</c> so that no name is also the namespace of
/// another (OpenTelemetry's naming rules; no <c>.total</c> suffix either):
/// <c>sharedstruct.segment.*</c> is read from a segment's header and counts what every process did with the segment;
/// <c>sharedstruct.lock.*</c>, <c>sharedstruct.snapshot.*</c> and <c>sharedstruct.view.*</c> are what this process did.
/// </remarks>
internal static class InstrumentNames
{
    /// <summary>The tag on every measurement: the segment's name (a property of the segment, so <c>.name</c>).</summary>
    public const string SegmentNameTag = "sharedstruct.segment.name";

    // Segment-wide, from the header.
    public const string SegmentLockAcquisitions = "sharedstruct.segment.lock.acquisitions";
    public const string SegmentLockContendedAcquisitions = "sharedstruct.segment.lock.contended_acquisitions";
    public const string SegmentLockWaitTime = "sharedstruct.segment.lock.wait.time";
    public const string SegmentLockWaitMax = "sharedstruct.segment.lock.wait.max";
    public const string SegmentLockTimeouts = "sharedstruct.segment.lock.timeouts";
    public const string SegmentLockRecoveries = "sharedstruct.segment.lock.recoveries";
    public const string SegmentSnapshotRetries = "sharedstruct.segment.snapshot.retries";

    // This process's.
    public const string ViewCount = "sharedstruct.view.count";
    public const string LockWaitDuration = "sharedstruct.lock.wait.duration";
    public const string LockTimeouts = "sharedstruct.lock.timeouts";
    public const string LockRecoveries = "sharedstruct.lock.recoveries";
    public const string SnapshotRetries = "sharedstruct.snapshot.retries";
}
