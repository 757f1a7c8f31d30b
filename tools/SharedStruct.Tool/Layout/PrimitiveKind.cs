namespace SharedStruct.Tool.Layout;

/// <summary>The primitive names of the canonical layout description.</summary>
internal enum PrimitiveKind
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
}

internal static class Primitives
{
    /// <summary>Maps a description type name to its kind; <see cref="PrimitiveKind.Unknown"/> when the name is not one.</summary>
    public static PrimitiveKind Parse(string name) => name switch
    {
        "int8" => PrimitiveKind.Int8,
        "uint8" => PrimitiveKind.UInt8,
        "byte" => PrimitiveKind.UInt8, // not canonical, but obvious
        "int16" => PrimitiveKind.Int16,
        "uint16" => PrimitiveKind.UInt16,
        "int32" => PrimitiveKind.Int32,
        "uint32" => PrimitiveKind.UInt32,
        "int64" => PrimitiveKind.Int64,
        "uint64" => PrimitiveKind.UInt64,
        "float32" => PrimitiveKind.Float32,
        "float64" => PrimitiveKind.Float64,
        "char" => PrimitiveKind.Char,
        "bool" => PrimitiveKind.Bool,
        "decimal" => PrimitiveKind.Decimal,
        _ => PrimitiveKind.Unknown,
    };

    /// <summary>Whether the kind is an integer, which an enum can be based on.</summary>
    public static bool IsInteger(PrimitiveKind kind) => kind is PrimitiveKind.Int8 or PrimitiveKind.UInt8 or PrimitiveKind.Int16
        or PrimitiveKind.UInt16 or PrimitiveKind.Int32 or PrimitiveKind.UInt32 or PrimitiveKind.Int64 or PrimitiveKind.UInt64;

    /// <summary>The size of one element in bytes; 0 for <see cref="PrimitiveKind.Unknown"/>.</summary>
    public static int SizeOf(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Int8 or PrimitiveKind.UInt8 or PrimitiveKind.Bool => 1,
        PrimitiveKind.Int16 or PrimitiveKind.UInt16 or PrimitiveKind.Char => 2,
        PrimitiveKind.Int32 or PrimitiveKind.UInt32 or PrimitiveKind.Float32 => 4,
        PrimitiveKind.Int64 or PrimitiveKind.UInt64 or PrimitiveKind.Float64 => 8,
        PrimitiveKind.Decimal => 16,
        _ => 0,
    };
}
