using System;
using SharedStruct;

namespace SharedStruct.Extensions.Hosting;

/// <summary>How a segment registered with <c>AddSharedSegment</c> is opened and what happens to it at shutdown.</summary>
public sealed class SharedSegmentServiceOptions
{
    /// <summary>
    /// The segment name, for segments registered by struct type (<c>AddSharedSegment&lt;T&gt;(name)</c>); a generated
    /// segment's name comes from its <c>[SharedSegment]</c> attribute and cannot be overridden here.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Open mode, directory, file backing, sharing and timeouts, passed to the runtime as they are.</summary>
    public SharedSegmentOptions Segment { get; set; } = new();

    /// <summary>Open the segment while the host starts (default), so a bad name or layout fails startup instead of the first use.</summary>
    public bool OpenAtStartup { get; set; } = true;

    /// <summary>
    /// Delete the segment when the container is disposed at shutdown, unless another process still has it open (a
    /// writer or a read-only reader): then it is kept, so that process is not left on a segment nobody else can find,
    /// and a warning is logged. Off by default: a segment outlives its processes.
    /// </summary>
    public bool DeleteOnShutdown { get; set; }

    /// <summary>
    /// Delete the segment at shutdown even while other processes have it open (implies <see cref="DeleteOnShutdown"/>):
    /// they keep using the old segment, which nobody who opens the name afterwards sees. For a service that owns the
    /// segment outright and wants each run to start from a fresh one. Off by default.
    /// </summary>
    public bool ForceDeleteOnShutdown { get; set; }
}
