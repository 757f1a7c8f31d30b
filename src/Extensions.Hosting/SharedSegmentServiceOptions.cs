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

    /// <summary>Delete the segment when the host stops (after disposing it). Off by default: a segment outlives its processes.</summary>
    public bool DeleteOnShutdown { get; set; }
}
