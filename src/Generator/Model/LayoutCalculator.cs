using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SharedStruct.Generator.Model;

/// <summary>
/// Computes, at compile time, the layout the CLR gives an unmanaged struct: sequential with natural alignment
/// (capped by <c>Pack</c>), explicit <c>FieldOffset</c>s, a minimum <c>Size</c>, fixed buffers, inline arrays, enums
/// and nested structs. Returns null for anything whose layout cannot be known here (auto layout, pointers,
/// native-sized integers, structs from other assemblies whose <c>StructLayout</c> is not visible to a generator).
/// </summary>
internal sealed class LayoutCalculator
{
    private const int MaxDepth = 32;
    private const int DefaultPack = 8;

    private readonly Dictionary<ITypeSymbol, TypeLayout?> _cache = new(SymbolEqualityComparer.Default);

    /// <summary>A leaf of a flattened layout: a primitive, enum or fixed/inline array of primitives.</summary>
    /// <param name="Suffix">Appended to the field name: empty, ".X", "[2].Y".</param>
    /// <param name="Enum">For an enum (or an inline array of one): its members as the description's <c>enum</c> line
    /// writes them (<c>Idle=0 Busy=7</c>, <c>flags Read=1 Write=2</c>); null otherwise.</param>
    internal readonly record struct Leaf(string Suffix, string Type, int Offset, int Size, string? Enum = null);

    internal sealed record TypeLayout(int Size, int Alignment, IReadOnlyList<Leaf> Leaves);

    internal sealed record FieldLayout(IFieldSymbol Field, int Offset, TypeLayout Layout);

    internal sealed record StructLayoutResult(string Kind, int Pack, int Size, int Alignment, IReadOnlyList<FieldLayout> Fields);

    /// <summary>The layout of a struct declared in source, field by field.</summary>
    public StructLayoutResult? ComputeStruct(INamedTypeSymbol type) => ComputeStruct(type, 0);

    private StructLayoutResult? ComputeStruct(INamedTypeSymbol type, int depth)
    {
        if (depth > MaxDepth || type.TypeKind != TypeKind.Struct || type.IsRefLikeType || !IsFromSource(type))
            return null;

        ReadStructLayout(type, out int kind, out int pack, out int minSize);
        bool isExplicit = kind == 2;
        if (kind != 0 && !isExplicit)
            return null; // Auto: the runtime reorders fields as it likes.
        if (pack < 0 || pack > 128 || (pack & (pack - 1)) != 0 || minSize < 0)
            return null;
        int cap = pack == 0 ? DefaultPack : pack;

        var fields = new List<FieldLayout>();
        long cursor = 0;
        long end = 0;
        int alignment = 1;
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is not IFieldSymbol field || field.IsStatic || field.IsConst)
                continue;
            TypeLayout? layout = ComputeField(field, depth);
            if (layout is null)
                return null;
            int fieldAlignment = Math.Min(layout.Alignment, cap);
            long offset;
            if (isExplicit)
            {
                int? explicitOffset = ReadFieldOffset(field);
                if (explicitOffset is null || explicitOffset < 0)
                    return null;
                offset = explicitOffset.Value;
            }
            else
            {
                offset = AlignUp(cursor, fieldAlignment);
                cursor = offset + layout.Size;
            }
            end = Math.Max(end, offset + layout.Size);
            alignment = Math.Max(alignment, fieldAlignment);
            if (end > int.MaxValue)
                return null;
            fields.Add(new FieldLayout(field, (int)offset, layout));
        }

        long size = AlignUp(end, alignment);
        if (size == 0)
            size = 1; // an empty struct still occupies one byte
        if (minSize > size)
            size = minSize;
        if (size > int.MaxValue)
            return null;
        return new StructLayoutResult(isExplicit ? "Explicit" : "Sequential", pack, (int)size, alignment, fields);
    }

    private TypeLayout? ComputeField(IFieldSymbol field, int depth)
    {
        if (field.IsFixedSizeBuffer)
        {
            if (field.Type is not IPointerTypeSymbol pointer || field.FixedSize <= 0)
                return null;
            if (Primitive(pointer.PointedAtType) is not { } element)
                return null;
            long size = (long)element.Size * field.FixedSize;
            if (size > int.MaxValue)
                return null;
            return new TypeLayout((int)size, element.Size, new[] { new Leaf("", $"{element.Name}[{field.FixedSize}]", 0, (int)size) });
        }
        return ComputeType(field.Type, depth + 1);
    }

    private TypeLayout? ComputeType(ITypeSymbol type, int depth)
    {
        if (_cache.TryGetValue(type, out TypeLayout? cached))
            return cached;
        TypeLayout? result = ComputeTypeUncached(type, depth);
        _cache[type] = result;
        return result;
    }

    private TypeLayout? ComputeTypeUncached(ITypeSymbol type, int depth)
    {
        if (depth > MaxDepth)
            return null;
        if (Primitive(type) is { } primitive)
            return new TypeLayout(primitive.Size, primitive.Alignment, new[] { new Leaf("", primitive.Name, 0, primitive.Size, EnumMembers(type)) });
        if (type is not INamedTypeSymbol named || named.TypeKind != TypeKind.Struct || !IsFromSource(named))
            return null;

        int? inlineLength = ReadInlineArrayLength(named);
        if (inlineLength is { } length)
        {
            IFieldSymbol? elementField = null;
            foreach (ISymbol member in named.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false } f)
                {
                    if (elementField is not null)
                        return null;
                    elementField = f;
                }
            }
            if (elementField is null || length <= 0)
                return null;
            TypeLayout? element = ComputeField(elementField, depth);
            if (element is null)
                return null;
            long total = (long)element.Size * length;
            if (total > int.MaxValue)
                return null;
            var leaves = new List<Leaf>();
            if (element.Leaves.Count == 1 && element.Leaves[0].Suffix.Length == 0 && element.Leaves[0].Size == element.Size && !element.Leaves[0].Type.EndsWith("]", StringComparison.Ordinal))
            {
                leaves.Add(new Leaf("", $"{element.Leaves[0].Type}[{length}]", 0, (int)total, element.Leaves[0].Enum));
            }
            else
            {
                for (int i = 0; i < length; i++)
                {
                    foreach (Leaf leaf in element.Leaves)
                        leaves.Add(new Leaf($"[{i}]{leaf.Suffix}", leaf.Type, i * element.Size + leaf.Offset, leaf.Size, leaf.Enum));
                }
            }
            return new TypeLayout((int)total, element.Alignment, leaves);
        }

        StructLayoutResult? result = ComputeStruct(named, depth + 1);
        if (result is null)
            return null;
        var nested = new List<Leaf>();
        foreach (FieldLayout field in result.Fields)
        {
            string name = "." + LayoutName(field.Field);
            foreach (Leaf leaf in field.Layout.Leaves)
                nested.Add(new Leaf(name + leaf.Suffix, leaf.Type, field.Offset + leaf.Offset, leaf.Size, leaf.Enum));
        }
        return new TypeLayout(result.Size, result.Alignment, nested);
    }

    /// <summary>Enums with more members than this get no <c>enum</c> line: the description must fit the segment header.</summary>
    public const int MaxEnumMembers = 64;

    /// <summary>
    /// An enum's members for the description, in declaration order: <c>Name=Value</c> separated by spaces, led by
    /// <c>flags</c> for a <c>[Flags]</c> enum; null for anything that is not an enum, or an enum too large to list.
    /// </summary>
    private static string? EnumMembers(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } named)
            return null;
        var text = new System.Text.StringBuilder();
        foreach (AttributeData attribute in named.GetAttributes())
        {
            if (IsAttribute(attribute, "FlagsAttribute", "System"))
            {
                text.Append("flags");
                break;
            }
        }
        int count = 0;
        foreach (ISymbol member in named.GetMembers())
        {
            if (member is not IFieldSymbol { HasConstantValue: true, ConstantValue: { } value } field)
                continue;
            if (++count > MaxEnumMembers)
                return null;
            if (text.Length > 0)
                text.Append(' ');
            text.Append(field.Name).Append('=').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        return count == 0 ? null : text.ToString();
    }

    /// <summary>The name a field has in the layout description: an auto-property's name for its backing field.</summary>
    public static string LayoutName(IFieldSymbol field) =>
        field.AssociatedSymbol is IPropertySymbol property ? property.Name : field.Name;

    internal readonly record struct PrimitiveInfo(string Name, int Size, int Alignment);

    /// <summary>The layout name, size and alignment of a primitive or enum; null for anything else.</summary>
    public static PrimitiveInfo? Primitive(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
            type = underlying;
        return type.SpecialType switch
        {
            SpecialType.System_Boolean => new PrimitiveInfo("bool", 1, 1),
            SpecialType.System_Char => new PrimitiveInfo("char", 2, 2),
            SpecialType.System_SByte => new PrimitiveInfo("int8", 1, 1),
            SpecialType.System_Byte => new PrimitiveInfo("uint8", 1, 1),
            SpecialType.System_Int16 => new PrimitiveInfo("int16", 2, 2),
            SpecialType.System_UInt16 => new PrimitiveInfo("uint16", 2, 2),
            SpecialType.System_Int32 => new PrimitiveInfo("int32", 4, 4),
            SpecialType.System_UInt32 => new PrimitiveInfo("uint32", 4, 4),
            SpecialType.System_Int64 => new PrimitiveInfo("int64", 8, 8),
            SpecialType.System_UInt64 => new PrimitiveInfo("uint64", 8, 8),
            SpecialType.System_Single => new PrimitiveInfo("float32", 4, 4),
            SpecialType.System_Double => new PrimitiveInfo("float64", 8, 8),
            // decimal is { int flags; uint hi; ulong lo } in the runtime: 16 bytes, 8-byte aligned.
            SpecialType.System_Decimal => new PrimitiveInfo("decimal", 16, 8),
            _ => null,
        };
    }

    private static bool IsFromSource(INamedTypeSymbol type)
    {
        // StructLayout and FieldOffset of a metadata type are pseudo-attributes a generator cannot read,
        // and reference assemblies replace private fields with placeholders: only source structs are known.
        foreach (Location location in type.Locations)
        {
            if (location.IsInSource)
                return true;
        }
        return false;
    }

    private static void ReadStructLayout(INamedTypeSymbol type, out int kind, out int pack, out int size)
    {
        kind = 0;
        pack = 0;
        size = 0;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!IsAttribute(attribute, "StructLayoutAttribute", "System.Runtime.InteropServices"))
                continue;
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is { } value)
                kind = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Value.Value is not int number)
                    continue;
                if (named.Key == "Pack")
                    pack = number;
                else if (named.Key == "Size")
                    size = number;
            }
        }
    }

    private static int? ReadFieldOffset(IFieldSymbol field)
    {
        foreach (AttributeData attribute in field.GetAttributes())
        {
            if (IsAttribute(attribute, "FieldOffsetAttribute", "System.Runtime.InteropServices")
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int offset)
            {
                return offset;
            }
        }
        return null;
    }

    private static int? ReadInlineArrayLength(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (IsAttribute(attribute, "InlineArrayAttribute", "System.Runtime.CompilerServices")
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int length)
            {
                return length;
            }
        }
        return null;
    }

    private static bool IsAttribute(AttributeData attribute, string name, string ns) =>
        attribute.AttributeClass is { } c && c.Name == name && c.ContainingNamespace?.ToDisplayString() == ns;

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
