using System;
using System.Text;

namespace SharedStruct.Format;

/// <summary>
/// The layout fingerprint: 64-bit FNV-1a over what a canonical description (<c>sharedstruct-layout 1</c>) says about
/// the bytes. Compiled into the runtime and the generator (linked source), so the two cannot drift.
/// </summary>
/// <remarks>
/// The hash covers the version line, the struct line without the struct's name, and every <c>field</c> line: field
/// names, types, offsets and sizes, nested fields included. The struct's C# name and namespace stay in the stored
/// description for people, but two programs built apart that declare the same fields in different namespaces get the
/// same fingerprint: the segment name is what identifies a segment. Any other line (an annotation such as the enum
/// member names tools display) is left out, so annotations can be added without breaking sharing. A text that is not a
/// canonical description (the runtime's default <c>Type size=N</c>) is hashed whole.
/// </remarks>
internal static class LayoutFingerprint
{
    /// <summary>The fingerprint of <paramref name="description"/>; never zero.</summary>
    public static ulong Compute(string description) =>
        Hash(IsCanonical(description) ? Canonical(description) : description);

    /// <summary>
    /// The hash of the whole text, which builds before the struct's name was left out stored as the fingerprint. Used
    /// only to recognise such a segment: see <c>SegmentCore.PrepareExisting</c>.
    /// </summary>
    public static ulong ComputeWholeText(string description) => Hash(description);

    /// <summary>Whether the text starts with the canonical description's version line.</summary>
    public static bool IsCanonical(string? description) =>
        description is not null && description.StartsWith(LayoutFormat.VersionLinePrefix, StringComparison.Ordinal);

    /// <summary>The part of a canonical description the fingerprint covers, one line each, joined by '\n'.</summary>
    public static string Canonical(string description)
    {
        string[] lines = description.Split('\n');
        var text = new StringBuilder(description.Length);
        text.Append(lines[0]);
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith(LayoutFormat.Field + " ", StringComparison.Ordinal))
            {
                text.Append('\n').Append(line);
            }
            else if (line.StartsWith(LayoutFormat.Struct + " ", StringComparison.Ordinal))
            {
                // "struct <name> size=.. kind=.. pack=..": the name is every token before the first key=value one.
                text.Append('\n').Append(LayoutFormat.Struct);
                string[] tokens = line.Split(' ');
                bool named = true;
                for (int k = 1; k < tokens.Length; k++)
                {
                    named &= tokens[k].IndexOf('=') < 0;
                    if (!named)
                        text.Append(' ').Append(tokens[k]);
                }
            }
        }
        return text.ToString();
    }

    private static ulong Hash(string text)
    {
        ulong hash = Fnv1a.OffsetBasis;
        foreach (char c in text)
        {
            hash = Fnv1a.Add(hash, (byte)c);
            hash = Fnv1a.Add(hash, (byte)(c >> 8));
        }
        return hash == 0 ? 1 : hash;
    }
}
