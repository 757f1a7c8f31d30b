using System;
using System.Collections.Generic;
using System.IO;

namespace SharedStruct;

/// <summary>
/// Thrown when a segment exists but was created for another payload layout (a different struct, or another build of
/// it): reusing it would reinterpret its bytes. The message names the fields that differ (added, removed, moved,
/// retyped, resized); the exception carries both fingerprints and payload sizes, both full layout descriptions
/// (<see cref="ExpectedDescription"/>, <see cref="ActualDescription"/>) and the list of <see cref="Differences"/>.
/// </summary>
/// <remarks>
/// The fingerprint covers what the bytes mean (field names, types, offsets and sizes, nested fields included), not
/// the struct's namespace or type name: the same fields declared in two separately built programs do not cause this
/// exception.
/// </remarks>
public sealed class SegmentLayoutMismatchException : IOException
{
    /// <summary>Creates the exception without layout descriptions.</summary>
    public SegmentLayoutMismatchException(string segmentName, ulong expectedFingerprint, long expectedSize, ulong actualFingerprint, long actualSize, string message)
        : this(segmentName, expectedFingerprint, expectedSize, actualFingerprint, actualSize, "", null, Array.Empty<string>(), message)
    {
    }

    /// <summary>Creates the exception with both layout descriptions and the differences found between them.</summary>
    public SegmentLayoutMismatchException(string segmentName, ulong expectedFingerprint, long expectedSize, ulong actualFingerprint, long actualSize,
        string expectedDescription, string? actualDescription, IReadOnlyList<string> differences, string message)
        : base(message)
    {
        SegmentName = segmentName;
        ExpectedFingerprint = expectedFingerprint;
        ExpectedSize = expectedSize;
        ActualFingerprint = actualFingerprint;
        ActualSize = actualSize;
        ExpectedDescription = expectedDescription ?? throw new ArgumentNullException(nameof(expectedDescription));
        ActualDescription = actualDescription;
        Differences = differences ?? throw new ArgumentNullException(nameof(differences));
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

    /// <summary>This program's full layout description (for a generated struct, the canonical text in docs/generator.md).</summary>
    public string ExpectedDescription { get; }

    /// <summary>
    /// The full layout description stored in the segment by its creator; null when it stored none (a description too
    /// long for the header is not stored).
    /// </summary>
    public string? ActualDescription { get; }

    /// <summary>
    /// What differs, from the segment's layout to this program's, one entry per field and per struct attribute, for
    /// example <c>'Extra' added (int32 at offset 116)</c>, <c>'Atomic' removed (was int64 at offset 8)</c>,
    /// <c>'Ready' moved from offset 16 to 8</c>, <c>'Flags' retyped from uint32 (4 bytes) to int64 (8 bytes)</c>,
    /// <c>'Note' resized from char[16] (32 bytes) to char[32] (64 bytes)</c>, <c>the struct's size changed from 120 to
    /// 128 bytes</c>. Empty when a description is missing or is not a canonical (generated) one, and so nothing can be
    /// compared field by field.
    /// </summary>
    public IReadOnlyList<string> Differences { get; }
}
