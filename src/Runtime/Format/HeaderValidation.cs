using SharedStruct.Locking;

namespace SharedStruct.Format;

/// <summary>
/// The checks of a ready segment's header, shared by opening (which turns a problem into an exception) and the
/// inspector (which reports it): one place decides what a valid header is.
/// </summary>
internal static unsafe class HeaderValidation
{
    /// <summary>Whether the mapping is long enough and starts like a segment (magic, or zeros while a creator works).</summary>
    public static string? StartProblem(byte* segment, long length)
    {
        var h = (SegmentHeader*)segment;
        if (length < 8 || (h->Magic != SegmentHeader.MagicValue && h->Magic != 0))
            return "is not a SharedStruct segment: it does not start with the segment magic number (a foreign or corrupted file)";
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
        if (h->FormatVersion != SegmentHeader.CurrentFormatVersion)
            return $"has header format version {h->FormatVersion}; this runtime reads version {SegmentHeader.CurrentFormatVersion}. Update SharedStruct in every process that shares it, or delete the segment";
        if (h->Checksum != SegmentCore.ComputeChecksum(segment) || h->PayloadOffset != SegmentHeader.PayloadOffsetValue ||
            h->SlotTableStart != SegmentHeader.SlotTableOffset || h->SlotTableCount != SegmentHeader.SlotCount)
            return "has a corrupted header (checksum or offsets do not match)";
        if (length < SegmentHeader.PayloadOffsetValue + (long)h->PayloadSize)
            return $"is truncated: {length} bytes, but its header says the payload needs {SegmentHeader.PayloadOffsetValue + (long)h->PayloadSize}";
        return null;
    }

    /// <summary>Whether a version problem (rather than damage) is what <see cref="ReadyProblem"/> reported.</summary>
    public static bool IsVersionProblem(byte* segment) =>
        ((SegmentHeader*)segment)->Magic == SegmentHeader.MagicValue && ((SegmentHeader*)segment)->FormatVersion != SegmentHeader.CurrentFormatVersion;
}
