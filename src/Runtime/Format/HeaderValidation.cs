using SharedStruct.Locking;

namespace SharedStruct.Format;

/// <summary>
/// The checks of a ready segment's header, shared by opening (which turns a problem into an exception) and the
/// inspector (which reports it): one place decides what a valid header is.
/// </summary>
internal static unsafe class HeaderValidation
{
    /// <summary>
    /// Whether the mapping is long enough and starts like a segment (magic, or zeros while a creator works). Worded
    /// for opening ("Segment 'x' is …"); the inspector drops the verb for its listings.
    /// </summary>
    public static string? StartProblem(byte* segment, long length)
    {
        var h = (SegmentHeader*)segment;
        if (length < 8 || (h->Magic != SegmentHeader.MagicValue && h->Magic != 0))
            return "is not a SharedStruct segment (no segment magic number)";
        if (length < SegmentHeader.PayloadOffsetValue)
            return $"is truncated: {length} bytes, shorter than a segment header ({SegmentHeader.PayloadOffsetValue} bytes)";
        return null;
    }

    /// <summary>The problem of a header whose state is Ready, or null when it is valid; sizes are checked against the mapping.</summary>
    public static string? ReadyProblem(byte* segment, long length)
    {
        var h = (SegmentHeader*)segment;
        if (h->Magic != SegmentHeader.MagicValue)
            return "is not a SharedStruct segment: it does not start with the segment magic number";
        if (!IsKnownVersion(h))
            return $"has header format version {h->FormatVersion}; this runtime reads versions {SegmentHeader.CurrentFormatVersion} and {SegmentHeader.RollbackFormatVersion}. Update SharedStruct in every process that shares it, or delete the segment";
        if (h->Checksum != SegmentCore.ComputeChecksum(segment) || h->PayloadOffset != SegmentHeader.PayloadOffsetValue ||
            h->SlotTableStart != SegmentHeader.SlotTableOffset || h->SlotTableCount != SegmentHeader.SlotCount)
            return "has a corrupted header (checksum or offsets do not match)";
        long required = SegmentHeader.RequiredLength((long)h->PayloadSize, SegmentHeader.RollsBack(h));
        if (h->PayloadSize > SegmentNameRules.MaxPayloadSize || length < required)
            return $"is truncated: {length} bytes, but its header says the payload needs {required}";
        return null;
    }

    /// <summary>Whether a version problem (rather than damage) is what <see cref="ReadyProblem"/> reported.</summary>
    public static bool IsVersionProblem(byte* segment) =>
        ((SegmentHeader*)segment)->Magic == SegmentHeader.MagicValue && !IsKnownVersion((SegmentHeader*)segment);

    /// <summary>
    /// Version 2 with no flags, or version 4 with the crash-atomic flag: the flag and the version travel together, so a
    /// runtime that knows only version 2 never opens a segment whose writers keep a backup it would ignore.
    /// </summary>
    private static bool IsKnownVersion(SegmentHeader* h) =>
        (h->FormatVersion == SegmentHeader.CurrentFormatVersion && h->Flags == 0) ||
        (h->FormatVersion == SegmentHeader.RollbackFormatVersion && h->Flags == SegmentHeader.FlagRollbackOnCrash);
}
