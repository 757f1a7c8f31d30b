using System;
using System.Collections.Generic;
using System.Globalization;

namespace SharedStruct.Format;

/// <summary>
/// Names what differs between the layout a segment was made for and the one this build expects, by comparing the two
/// canonical descriptions (<c>struct … size=N</c>, then one <c>field Name type offset=N size=M</c> line per leaf),
/// so a mismatch says which fields changed instead of showing two hashes.
/// </summary>
internal static class LayoutDifferences
{
    /// <summary>
    /// The differences from <paramref name="stored"/> (the segment's) to <paramref name="expected"/> (this build's): the
    /// struct's size, kind and pack first, then one entry per field, in this build's order, then the removed ones. Empty
    /// when either text is missing or is not a canonical description (the runtime's default layout names only a type and
    /// a size), and when both describe the same bytes.
    /// </summary>
    public static IReadOnlyList<string> Compare(string? stored, string? expected)
    {
        if (!TryParse(stored, out Description before) || !TryParse(expected, out Description after))
            return Array.Empty<string>();

        var changes = new List<string>();
        if (before.Size != after.Size)
            changes.Add($"the struct's size changed from {before.Size} to {after.Size} bytes");
        if (before.Kind != after.Kind)
            changes.Add($"the struct's layout kind changed from {before.Kind} to {after.Kind}");
        if (before.Pack != after.Pack)
            changes.Add($"the struct's pack changed from {before.Pack} to {after.Pack}");

        var old = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (Field field in before.Fields)
            old[field.Name] = field;
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (Field field in after.Fields)
        {
            kept.Add(field.Name);
            if (!old.TryGetValue(field.Name, out Field was))
            {
                changes.Add($"'{field.Name}' added ({field.Type} at offset {field.Offset})");
                continue;
            }
            var what = new List<string>(2);
            if (was.Type != field.Type)
            {
                bool sameElement = ElementType(was.Type) == ElementType(field.Type);
                what.Add($"{(sameElement ? "resized" : "retyped")} from {was.Type} ({was.Size} bytes) to {field.Type} ({field.Size} bytes)");
            }
            else if (was.Size != field.Size)
            {
                what.Add($"resized from {was.Size} to {field.Size} bytes");
            }
            if (was.Offset != field.Offset)
                what.Add($"moved from offset {was.Offset} to {field.Offset}");
            if (what.Count > 0)
                changes.Add($"'{field.Name}' {string.Join(" and ", what)}");
        }
        foreach (Field field in before.Fields)
        {
            if (!kept.Contains(field.Name))
                changes.Add($"'{field.Name}' removed (was {field.Type} at offset {field.Offset})");
        }
        return changes;
    }

    /// <summary>The struct's name as a description records it (for people: it is not part of the fingerprint), or null.</summary>
    public static string? StructName(string? description) => TryParse(description, out Description d) ? d.Name : null;

    private sealed record Description(string Name, string Size, string Kind, string Pack, List<Field> Fields);

    private readonly record struct Field(string Name, string Type, long Offset, long Size);

    private static string ElementType(string type)
    {
        int bracket = type.IndexOf('[');
        return bracket < 0 ? type : type.Substring(0, bracket);
    }

    private static bool TryParse(string? text, out Description description)
    {
        description = null!;
        if (!LayoutFingerprint.IsCanonical(text))
            return false;
        string? name = null;
        string size = "?", kind = "?", pack = "?";
        var fields = new List<Field>();
        string[] lines = text!.Replace("\r\n", "\n").Split('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            string[] tokens = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
                continue;
            if (tokens[0] == LayoutFormat.Struct)
            {
                int k = 1;
                while (k < tokens.Length && !tokens[k].Contains('='))
                    k++;
                name = string.Join(' ', tokens, 1, k - 1);
                for (; k < tokens.Length; k++)
                {
                    if (Value(tokens[k], LayoutFormat.Size) is { } s) size = s;
                    else if (Value(tokens[k], LayoutFormat.Kind) is { } kd) kind = kd;
                    else if (Value(tokens[k], LayoutFormat.Pack) is { } p) pack = p;
                }
            }
            else if (tokens[0] == LayoutFormat.Field)
            {
                // field <name> <type> offset=<n> size=<n> [more key=value]: a name or type never holds a space.
                if (tokens.Length < 3)
                    return false;
                long? offset = null, length = null;
                for (int k = 3; k < tokens.Length; k++)
                {
                    if (Value(tokens[k], LayoutFormat.Offset) is { } o && long.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out long on))
                        offset = on;
                    else if (Value(tokens[k], LayoutFormat.Size) is { } s && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long sn))
                        length = sn;
                }
                if (offset is null || length is null)
                    return false;
                fields.Add(new Field(tokens[1], tokens[2], offset.Value, length.Value));
            }
            // Any other line is an annotation (see LayoutFingerprint): it says nothing about where the bytes are.
        }
        if (name is null)
            return false;
        description = new Description(name, size, kind, pack, fields);
        return true;
    }

    /// <summary>The value of a <c>key=value</c> token with this key, or null.</summary>
    private static string? Value(string token, string key) =>
        token.Length > key.Length && token[key.Length] == '=' && token.StartsWith(key, StringComparison.Ordinal)
            ? token.Substring(key.Length + 1)
            : null;
}
