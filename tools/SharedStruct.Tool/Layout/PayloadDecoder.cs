using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace SharedStruct.Tool.Layout;

/// <summary>One decoded field: its name and type as described, and its value as text.</summary>
/// <param name="Name">The field name (dotted for nested fields), or <c>+0xOFFSET</c> for a hex row.</param>
/// <param name="TypeText">The type as described, or <c>bytes</c> for a hex row.</param>
/// <param name="Offset">The byte offset in the payload.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Value">The value as text.</param>
internal sealed record DecodedField(string Name, string TypeText, long Offset, long Size, string Value);

/// <summary>
/// Turns payload bytes into field values using a <see cref="LayoutDescription"/>. Segments live on one machine, so
/// values are read in the machine's byte order, as the writing process stored them.
/// </summary>
internal static class PayloadDecoder
{
    /// <summary>Arrays longer than this show their first elements and a count of the rest.</summary>
    public const int MaxElementsShown = 64;

    /// <summary>Byte arrays and hex rows longer than this are cut, with a count of the rest.</summary>
    public const int MaxHexBytesShown = 256;

    /// <summary>Decodes every described field. Fields that do not fit the payload say so instead of a value.</summary>
    public static IReadOnlyList<DecodedField> Decode(LayoutDescription layout, ReadOnlySpan<byte> payload)
    {
        var result = new List<DecodedField>(layout.Fields.Count);
        foreach (LayoutField f in layout.Fields)
            result.Add(new DecodedField(f.Name, f.TypeText, f.Offset, f.Size, DecodeField(f, payload)));
        return result;
    }

    /// <summary>The payload as rows of 16 bytes (hex and ASCII), named by offset: the view when there is no field list.</summary>
    public static IReadOnlyList<DecodedField> HexRows(ReadOnlySpan<byte> payload, int maxBytes = int.MaxValue)
    {
        var rows = new List<DecodedField>();
        int shown = Math.Min(payload.Length, maxBytes);
        for (int offset = 0; offset < shown; offset += 16)
        {
            ReadOnlySpan<byte> row = payload.Slice(offset, Math.Min(16, shown - offset));
            var text = new StringBuilder(16 * 3 + 18);
            for (int i = 0; i < 16; i++)
            {
                if (i == 8)
                    text.Append(' ');
                text.Append(i < row.Length ? row[i].ToString("x2", CultureInfo.InvariantCulture) + " " : "   ");
            }
            text.Append(' ');
            foreach (byte b in row)
                text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
            rows.Add(new DecodedField($"+0x{offset:x4}", "bytes", offset, row.Length, text.ToString().TrimEnd()));
        }
        return rows;
    }

    /// <summary>Decodes one field, or explains why it cannot be decoded.</summary>
    public static string DecodeField(LayoutField field, ReadOnlySpan<byte> payload)
    {
        if (field.Offset < 0 || field.Size < 0 || field.Offset + field.Size > payload.Length)
            return $"(outside the {payload.Length}-byte payload)";
        ReadOnlySpan<byte> bytes = payload.Slice((int)field.Offset, (int)field.Size);
        if (field.Element == PrimitiveKind.Unknown)
            return Hex(bytes) + " (type not known to this tool)";
        int elementSize = Primitives.SizeOf(field.Element);
        long expected = (long)elementSize * (field.Count ?? 1);
        if (expected != field.Size)
            return Hex(bytes) + $" (size {field.Size} does not match {field.TypeText}, {expected} bytes)";

        if (field.Enum is { } members)
            return field.Count is null ? EnumValue(members, field.Element, bytes) : Elements(field, bytes, elementSize, b => EnumValue(members, field.Element, b));
        if (field.Count is null)
            return Scalar(field.Element, bytes);
        if (field.Element == PrimitiveKind.Char)
            return CharArray(bytes);
        if (field.Element == PrimitiveKind.UInt8)
            return Hex(bytes);

        return Elements(field, bytes, elementSize, b => Scalar(field.Element, b));
    }

    private delegate string ElementText(ReadOnlySpan<byte> element);

    private static string Elements(LayoutField field, ReadOnlySpan<byte> bytes, int elementSize, ElementText show)
    {
        int count = field.Count ?? 1;
        var text = new StringBuilder("[");
        int shown = Math.Min(count, MaxElementsShown);
        for (int i = 0; i < shown; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(show(bytes.Slice(i * elementSize, elementSize)));
        }
        if (count > shown)
            text.Append(CultureInfo.InvariantCulture, $", … {count - shown} more");
        return text.Append(']').ToString();
    }

    /// <summary>
    /// An enum value by name with its number: <c>Busy (7)</c>; for a flags enum the members it combines,
    /// <c>Read | Write (3)</c>. A value no member (or combination) names shows as the number with that said.
    /// </summary>
    private static string EnumValue(EnumMembers members, PrimitiveKind kind, ReadOnlySpan<byte> bytes)
    {
        string number = Scalar(kind, bytes);
        int size = Primitives.SizeOf(kind);
        ulong mask = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        ulong bits = 0;
        for (int i = size - 1; i >= 0; i--)
            bits = (bits << 8) | bytes[BitConverter.IsLittleEndian ? i : size - 1 - i];
        foreach ((string name, long value) in members.Members)
        {
            if (((ulong)value & mask) == bits)
                return $"{name} ({number})";
        }
        if (members.IsFlags && bits != 0)
        {
            var names = new List<string>();
            ulong left = bits;
            foreach ((string name, long value) in members.Members)
            {
                ulong v = (ulong)value & mask;
                if (v != 0 && (bits & v) == v && (left & v) != 0)
                {
                    names.Add(name);
                    left &= ~v;
                }
            }
            if (left == 0)
                return $"{string.Join(" | ", names)} ({number})";
            return $"{number} (not a combination of the enum's members)";
        }
        return $"{number} (no member of the enum)";
    }

    private static string Scalar(PrimitiveKind kind, ReadOnlySpan<byte> b)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        return kind switch
        {
            PrimitiveKind.Int8 => ((sbyte)b[0]).ToString(inv),
            PrimitiveKind.UInt8 => b[0].ToString(inv),
            PrimitiveKind.Int16 => MemoryMarshal.Read<short>(b).ToString(inv),
            PrimitiveKind.UInt16 => MemoryMarshal.Read<ushort>(b).ToString(inv),
            PrimitiveKind.Int32 => MemoryMarshal.Read<int>(b).ToString(inv),
            PrimitiveKind.UInt32 => MemoryMarshal.Read<uint>(b).ToString(inv),
            PrimitiveKind.Int64 => MemoryMarshal.Read<long>(b).ToString(inv),
            PrimitiveKind.UInt64 => MemoryMarshal.Read<ulong>(b).ToString(inv),
            PrimitiveKind.Float32 => MemoryMarshal.Read<float>(b).ToString(inv),
            PrimitiveKind.Float64 => MemoryMarshal.Read<double>(b).ToString(inv),
            PrimitiveKind.Char => Char(MemoryMarshal.Read<char>(b)),
            PrimitiveKind.Bool => b[0] switch { 0 => "false", 1 => "true", _ => $"true (0x{b[0]:x2})" },
            PrimitiveKind.Decimal => Decimal(b),
            _ => Hex(b),
        };
    }

    /// <summary>
    /// System.Decimal is stored as flags, hi32, lo64. Built through the validating constructor so that bytes which
    /// are no decimal (scale over 28, stray flag bits) show as hex rather than as a wrong number.
    /// </summary>
    private static string Decimal(ReadOnlySpan<byte> b)
    {
        int flags = MemoryMarshal.Read<int>(b);
        int hi = MemoryMarshal.Read<int>(b.Slice(4));
        int lo = MemoryMarshal.Read<int>(b.Slice(8));
        int mid = MemoryMarshal.Read<int>(b.Slice(12));
        try
        {
            return new decimal(new[] { lo, mid, hi, flags }).ToString(CultureInfo.InvariantCulture);
        }
        catch (ArgumentException)
        {
            return Hex(b) + " (not a valid decimal)";
        }
    }

    private static string Char(char c) => c switch
    {
        '\'' => @"'\''",
        _ => "'" + Escape(c) + "'",
    };

    /// <summary>A <c>char[N]</c> buffer: the string up to the first NUL, quoted and escaped.</summary>
    private static string CharArray(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(bytes);
        int end = chars.IndexOf('\0');
        if (end < 0)
            end = chars.Length;
        var text = new StringBuilder("\"");
        for (int i = 0; i < end; i++)
        {
            char c = chars[i];
            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(chars[i + 1]))
            {
                text.Append(c).Append(chars[++i]);
                continue;
            }
            text.Append(c == '"' ? "\\\"" : Escape(c));
        }
        return text.Append('"').ToString();
    }

    private static string Escape(char c) => c switch
    {
        '\0' => @"\0",
        '\n' => @"\n",
        '\r' => @"\r",
        '\t' => @"\t",
        '\\' => @"\\",
        _ when char.IsControl(c) || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
        _ => c.ToString(),
    };

    /// <summary>Lower-case hex, space-free, cut after <see cref="MaxHexBytesShown"/> bytes.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
            return "(empty)";
        int shown = Math.Min(bytes.Length, MaxHexBytesShown);
        string hex = Convert.ToHexStringLower(bytes.Slice(0, shown));
        return bytes.Length > shown ? $"{hex}… ({bytes.Length - shown} more bytes)" : hex;
    }
}
