using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SharedStruct.Format;

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
        if (field.Element == LayoutTypeKind.Unknown)
            return Hex(bytes) + " (type not known to this tool)";
        int elementSize = LayoutTypes.SizeOf(field.Element);
        long expected = (long)elementSize * (field.Count ?? 1);
        if (expected != field.Size)
            return Hex(bytes) + $" (size {field.Size} does not match {field.TypeText}, {expected} bytes)";

        if (field.Enum is { } members)
            return field.Count is null ? EnumValue(members, field.Element, bytes) : Elements(field, bytes, elementSize, b => EnumValue(members, field.Element, b));
        if (field.Count is null)
            return Scalar(field.Element, bytes);
        if (field.Element == LayoutTypeKind.Char)
            return CharArray(bytes);
        if (field.Element == LayoutTypeKind.UInt8)
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
    private static string EnumValue(EnumMembers members, LayoutTypeKind kind, ReadOnlySpan<byte> bytes)
    {
        string number = Scalar(kind, bytes);
        int size = LayoutTypes.SizeOf(kind);
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

    private static string Scalar(LayoutTypeKind kind, ReadOnlySpan<byte> b)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        return kind switch
        {
            LayoutTypeKind.Int8 => ((sbyte)b[0]).ToString(inv),
            LayoutTypeKind.UInt8 => b[0].ToString(inv),
            LayoutTypeKind.Int16 => MemoryMarshal.Read<short>(b).ToString(inv),
            LayoutTypeKind.UInt16 => MemoryMarshal.Read<ushort>(b).ToString(inv),
            LayoutTypeKind.Int32 => MemoryMarshal.Read<int>(b).ToString(inv),
            LayoutTypeKind.UInt32 => MemoryMarshal.Read<uint>(b).ToString(inv),
            LayoutTypeKind.Int64 => MemoryMarshal.Read<long>(b).ToString(inv),
            LayoutTypeKind.UInt64 => MemoryMarshal.Read<ulong>(b).ToString(inv),
            LayoutTypeKind.Float32 => MemoryMarshal.Read<float>(b).ToString(inv),
            LayoutTypeKind.Float64 => MemoryMarshal.Read<double>(b).ToString(inv),
            LayoutTypeKind.Char => Char(MemoryMarshal.Read<char>(b)),
            LayoutTypeKind.Bool => b[0] switch { 0 => "false", 1 => "true", _ => $"true (0x{b[0]:x2})" },
            LayoutTypeKind.Decimal => Decimal(b),
            LayoutTypeKind.Float16 => ((float)MemoryMarshal.Read<Half>(b)).ToString(inv),
            LayoutTypeKind.Int128 => MemoryMarshal.Read<Int128>(b).ToString(inv),
            LayoutTypeKind.UInt128 => MemoryMarshal.Read<UInt128>(b).ToString(inv),
            LayoutTypeKind.DateTime => DateTimeValue(b),
            LayoutTypeKind.TimeSpan => new TimeSpan(MemoryMarshal.Read<long>(b)).ToString("c", inv),
            LayoutTypeKind.DateOnly => DateOnlyValue(b),
            LayoutTypeKind.TimeOnly => TimeOnlyValue(b),
            LayoutTypeKind.Guid => new Guid(b).ToString("D"),
            LayoutTypeKind.Complex => Floats(MemoryMarshal.Cast<byte, double>(b), "<", "; ", ">"),
            LayoutTypeKind.Vector2 or LayoutTypeKind.Vector3 or LayoutTypeKind.Vector4 => Floats(MemoryMarshal.Cast<byte, float>(b), "<", ", ", ">"),
            LayoutTypeKind.Quaternion => Quaternion(MemoryMarshal.Cast<byte, float>(b)),
            LayoutTypeKind.Matrix4x4 => Matrix(MemoryMarshal.Cast<byte, float>(b)),
            _ => Hex(b),
        };
    }

    /// <summary>
    /// A DateTime is one ulong: 62 bits of ticks and 2 bits of kind. Shown round-trip (<c>o</c>) with its kind: a UTC
    /// value ends in Z, a local one carries no offset here because the offset is the writer's, not this machine's.
    /// </summary>
    private static string DateTimeValue(ReadOnlySpan<byte> b)
    {
        ulong data = MemoryMarshal.Read<ulong>(b);
        long ticks = (long)(data & 0x3FFF_FFFF_FFFF_FFFF);
        if (ticks > DateTime.MaxValue.Ticks)
            return Hex(b) + " (not a valid datetime)";
        DateTimeKind kind = (data >> 62) switch { 1 => DateTimeKind.Utc, 0 => DateTimeKind.Unspecified, _ => DateTimeKind.Local };
        var value = new DateTime(ticks, kind == DateTimeKind.Local ? DateTimeKind.Unspecified : kind);
        string text = value.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture);
        return kind switch { DateTimeKind.Utc => text + "Z", DateTimeKind.Local => text + " (local)", _ => text };
    }

    private static string DateOnlyValue(ReadOnlySpan<byte> b)
    {
        int day = MemoryMarshal.Read<int>(b);
        return day < 0 || day > DateOnly.MaxValue.DayNumber
            ? Hex(b) + " (not a valid dateonly)"
            : DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static string TimeOnlyValue(ReadOnlySpan<byte> b)
    {
        long ticks = MemoryMarshal.Read<long>(b);
        return ticks < 0 || ticks > TimeOnly.MaxValue.Ticks
            ? Hex(b) + " (not a valid timeonly)"
            : new TimeOnly(ticks).ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
    }

    private static string Floats<T>(ReadOnlySpan<T> values, string open, string separator, string close) where T : IFormattable
    {
        var text = new StringBuilder(open);
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
                text.Append(separator);
            text.Append(values[i].ToString(null, CultureInfo.InvariantCulture));
        }
        return text.Append(close).ToString();
    }

    private static string Quaternion(ReadOnlySpan<float> f) =>
        string.Create(CultureInfo.InvariantCulture, $"{{X:{f[0]} Y:{f[1]} Z:{f[2]} W:{f[3]}}}");

    /// <summary>Row by row, as <c>Matrix4x4.ToString</c> does: M11 M12 M13 M14 first.</summary>
    private static string Matrix(ReadOnlySpan<float> f)
    {
        var rows = new string[4];
        for (int r = 0; r < 4; r++)
            rows[r] = Floats(f.Slice(r * 4, 4), "[", " ", "]");
        return "[" + string.Join(" ", rows) + "]";
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
