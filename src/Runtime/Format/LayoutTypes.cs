// Linked into SharedStruct.Generator, SharedStruct.Analyzers and the sharedstruct tool: the names a layout description
// writes, the size and alignment the layout engine gives each of them and the set the tool decodes are one table.
// netstandard2.0 source (no records, no newer BCL API).
using System;

namespace SharedStruct.Format;

/// <summary>The type names of the canonical layout description (<c>field &lt;name&gt; &lt;type&gt; ...</c>).</summary>
internal enum LayoutTypeKind
{
    Unknown,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float32,
    Float64,
    Char,
    Bool,
    Decimal,
    Float16,
    Int128,
    UInt128,
    DateTime,
    TimeSpan,
    DateOnly,
    TimeOnly,
    Guid,
    Complex,
    Vector2,
    Vector3,
    Vector4,
    Quaternion,
    Matrix4x4,
}

/// <summary>One entry of <see cref="LayoutTypes"/>.</summary>
internal sealed class LayoutType
{
    public LayoutType(LayoutTypeKind kind, string name, int size, int alignment, string? clrName)
    {
        Kind = kind;
        Name = name;
        Size = size;
        Alignment = alignment;
        ClrName = clrName;
    }

    public LayoutTypeKind Kind { get; }

    /// <summary>The name the description writes: <c>int32</c>, <c>datetime</c>.</summary>
    public string Name { get; }

    /// <summary>The size in bytes.</summary>
    public int Size { get; }

    /// <summary>The alignment the runtime gives the type inside a sequential struct (before any <c>Pack</c> cap).</summary>
    public int Alignment { get; }

    /// <summary>
    /// For a type that is not a C# keyword type: its namespace-qualified metadata name (<c>System.Guid</c>), by which
    /// the layout engine knows it. Null for the keyword types, which the engine knows by their special type.
    /// </summary>
    public string? ClrName { get; }
}

/// <summary>
/// Every field type the layout engine places and the tool decodes, with its size and alignment on every 64-bit .NET
/// (7 and later; SharedStruct needs 8). Types from the core library are listed here because reference assemblies hide
/// their private fields: the engine cannot compute their layout, only know it. A type goes in the table only when its
/// layout is fixed (one field, or sequential fields of fixed types) and .NET has kept it unchanged across versions.
/// </summary>
internal static class LayoutTypes
{
    public static readonly LayoutType Int8 = new(LayoutTypeKind.Int8, "int8", 1, 1, null);
    public static readonly LayoutType UInt8 = new(LayoutTypeKind.UInt8, "uint8", 1, 1, null);
    public static readonly LayoutType Int16 = new(LayoutTypeKind.Int16, "int16", 2, 2, null);
    public static readonly LayoutType UInt16 = new(LayoutTypeKind.UInt16, "uint16", 2, 2, null);
    public static readonly LayoutType Int32 = new(LayoutTypeKind.Int32, "int32", 4, 4, null);
    public static readonly LayoutType UInt32 = new(LayoutTypeKind.UInt32, "uint32", 4, 4, null);
    public static readonly LayoutType Int64 = new(LayoutTypeKind.Int64, "int64", 8, 8, null);
    public static readonly LayoutType UInt64 = new(LayoutTypeKind.UInt64, "uint64", 8, 8, null);
    public static readonly LayoutType Float32 = new(LayoutTypeKind.Float32, "float32", 4, 4, null);
    public static readonly LayoutType Float64 = new(LayoutTypeKind.Float64, "float64", 8, 8, null);
    public static readonly LayoutType Char = new(LayoutTypeKind.Char, "char", 2, 2, null);
    public static readonly LayoutType Bool = new(LayoutTypeKind.Bool, "bool", 1, 1, null);

    // decimal is { int flags; uint hi; ulong lo } in the runtime: 16 bytes, 8-byte aligned.
    public static readonly LayoutType Decimal = new(LayoutTypeKind.Decimal, "decimal", 16, 8, null);

    // DateTime is [StructLayout(Auto)] around one ulong: with a single field the order cannot change, and since .NET 7
    // an auto-layout field no longer turns its sequential container into auto layout. TimeSpan, TimeOnly: one long.
    public static readonly LayoutType DateTime = new(LayoutTypeKind.DateTime, "datetime", 8, 8, "System.DateTime");
    public static readonly LayoutType TimeSpan = new(LayoutTypeKind.TimeSpan, "timespan", 8, 8, "System.TimeSpan");
    public static readonly LayoutType DateOnly = new(LayoutTypeKind.DateOnly, "dateonly", 4, 4, "System.DateOnly");
    public static readonly LayoutType TimeOnly = new(LayoutTypeKind.TimeOnly, "timeonly", 8, 8, "System.TimeOnly");

    // Guid is { int; short; short; 8 bytes }: 4-byte aligned.
    public static readonly LayoutType Guid = new(LayoutTypeKind.Guid, "guid", 16, 4, "System.Guid");
    public static readonly LayoutType Float16 = new(LayoutTypeKind.Float16, "float16", 2, 2, "System.Half");

    // Int128 is 16-byte aligned since .NET 8, matching the platform ABI of __int128.
    public static readonly LayoutType Int128 = new(LayoutTypeKind.Int128, "int128", 16, 16, "System.Int128");
    public static readonly LayoutType UInt128 = new(LayoutTypeKind.UInt128, "uint128", 16, 16, "System.UInt128");
    public static readonly LayoutType Complex = new(LayoutTypeKind.Complex, "complex", 16, 8, "System.Numerics.Complex");

    // The System.Numerics vector types are plain floats (4-byte aligned), not SIMD registers.
    public static readonly LayoutType Vector2 = new(LayoutTypeKind.Vector2, "vector2", 8, 4, "System.Numerics.Vector2");
    public static readonly LayoutType Vector3 = new(LayoutTypeKind.Vector3, "vector3", 12, 4, "System.Numerics.Vector3");
    public static readonly LayoutType Vector4 = new(LayoutTypeKind.Vector4, "vector4", 16, 4, "System.Numerics.Vector4");
    public static readonly LayoutType Quaternion = new(LayoutTypeKind.Quaternion, "quaternion", 16, 4, "System.Numerics.Quaternion");
    public static readonly LayoutType Matrix4x4 = new(LayoutTypeKind.Matrix4x4, "matrix4x4", 64, 4, "System.Numerics.Matrix4x4");

    /// <summary>Every entry, keyword types first.</summary>
    public static readonly LayoutType[] All =
    {
        Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64, Char, Bool, Decimal,
        DateTime, TimeSpan, DateOnly, TimeOnly, Guid, Float16, Int128, UInt128, Complex,
        Vector2, Vector3, Vector4, Quaternion, Matrix4x4,
    };

    /// <summary>The entry for a description type name; null when the name is not one.</summary>
    public static LayoutType? FromName(string name)
    {
        foreach (LayoutType type in All)
        {
            if (string.Equals(type.Name, name, StringComparison.Ordinal))
                return type;
        }
        return string.Equals(name, "byte", StringComparison.Ordinal) ? UInt8 : null; // not canonical, but obvious
    }

    /// <summary>The entry for a core-library type by its namespace-qualified metadata name; null when it has none.</summary>
    public static LayoutType? FromClrName(string clrName)
    {
        foreach (LayoutType type in All)
        {
            if (type.ClrName is not null && string.Equals(type.ClrName, clrName, StringComparison.Ordinal))
                return type;
        }
        return null;
    }

    /// <summary>The description type name of a kind; null for <see cref="LayoutTypeKind.Unknown"/>.</summary>
    public static LayoutType? Of(LayoutTypeKind kind)
    {
        foreach (LayoutType type in All)
        {
            if (type.Kind == kind)
                return type;
        }
        return null;
    }

    /// <summary>The size of one element in bytes; 0 for <see cref="LayoutTypeKind.Unknown"/>.</summary>
    public static int SizeOf(LayoutTypeKind kind) => Of(kind)?.Size ?? 0;

    /// <summary>Whether the kind is an integer an enum can be based on.</summary>
    public static bool IsEnumBase(LayoutTypeKind kind) => kind is LayoutTypeKind.Int8 or LayoutTypeKind.UInt8 or LayoutTypeKind.Int16
        or LayoutTypeKind.UInt16 or LayoutTypeKind.Int32 or LayoutTypeKind.UInt32 or LayoutTypeKind.Int64 or LayoutTypeKind.UInt64;
}
