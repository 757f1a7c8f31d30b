using System.IO;

namespace SharedStruct;

/// <summary>
/// Thrown when a segment exists but was created for another payload layout (a different struct, or another build of
/// it): reusing it would reinterpret its bytes. Carries both layouts.
/// </summary>
public sealed class SegmentLayoutMismatchException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SegmentLayoutMismatchException(string segmentName, ulong expectedFingerprint, long expectedSize, ulong actualFingerprint, long actualSize, string message)
        : base(message)
    {
        SegmentName = segmentName;
        ExpectedFingerprint = expectedFingerprint;
        ExpectedSize = expectedSize;
        ActualFingerprint = actualFingerprint;
        ActualSize = actualSize;
    }

    /// <summary>The segment's name.</summary>
    public string SegmentName { get; }

    /// <summary>The fingerprint this program expected.</summary>
    public ulong ExpectedFingerprint { get; }

    /// <summary>The payload size this program expected.</summary>
    public long ExpectedSize { get; }

    /// <summary>The fingerprint stored in the segment.</summary>
    public ulong ActualFingerprint { get; }

    /// <summary>The payload size stored in the segment.</summary>
    public long ActualSize { get; }
}
