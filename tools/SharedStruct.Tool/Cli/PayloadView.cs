using System;
using System.Collections.Generic;
using SharedStruct.Format;
using SharedStruct.Tool.Layout;

namespace SharedStruct.Tool.Cli;

/// <summary>A segment's payload as rows to show: decoded fields when the stored description lists them, hex otherwise.</summary>
/// <param name="Layout">The parsed description, if it parsed.</param>
/// <param name="WhyHex">Why the payload is shown as hex, or null when it is decoded.</param>
/// <param name="Rows">The fields, or hex rows named by offset.</param>
/// <param name="HiddenBytes">Payload bytes beyond the hex rows shown.</param>
internal sealed record PayloadView(LayoutDescription? Layout, string? WhyHex, IReadOnlyList<DecodedField> Rows, long HiddenBytes)
{
    public bool IsDecoded => WhyHex is null;

    public static PayloadView For(SegmentInfo info, int maxHexBytes)
    {
        byte[] payload = info.Payload ?? Array.Empty<byte>();
        if (LayoutParser.TryParse(info.LayoutDescription, out LayoutDescription? layout, out string error))
        {
            if (layout!.HasFieldList)
                return new PayloadView(layout, null, PayloadDecoder.Decode(layout, payload), 0);
            error = $"the stored layout names the type ({layout.StructName}) but lists no fields";
        }
        int shown = Math.Min(payload.Length, Math.Max(0, maxHexBytes));
        return new PayloadView(layout, error, PayloadDecoder.HexRows(payload, shown), payload.Length - shown);
    }

    /// <summary>Things a reader should know about the description against the header: mismatched fingerprint or size.</summary>
    public IEnumerable<string> Warnings(SegmentInfo info)
    {
        if (Layout is null || info.LayoutDescription is null)
            yield break;
        // A segment made before the fingerprint left out the struct's name stores the whole-text hash: just as valid.
        if (LayoutFingerprint.Compute(info.LayoutDescription) != info.Fingerprint &&
            !(LayoutFingerprint.IsCanonical(info.LayoutDescription) && LayoutFingerprint.ComputeWholeText(info.LayoutDescription) == info.Fingerprint))
            yield return "the stored description does not hash to the stored fingerprint: it may not describe this payload exactly";
        if (Layout.Size is long size && size != info.PayloadSize)
            yield return $"the description says size={size}, the header says the payload is {info.PayloadSize} bytes";
        foreach (string w in Layout.Warnings)
            yield return "description " + w;
    }
}
