using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SharedStruct.Analyzers.Model;

/// <summary>Size and alignment of a type as the runtime lays it out on a 64-bit process.</summary>
internal readonly struct TypeLayout
{
    public TypeLayout(long size, int alignment)
    {
        Size = size;
        Alignment = alignment;
    }

    public long Size { get; }
    public int Alignment { get; }
}

/// <summary>The layout-relevant parts of a [StructLayout] attribute on a source struct.</summary>
internal readonly struct StructLayoutInfo
{
    // System.Runtime.InteropServices.LayoutKind values.
    public const int Sequential = 0;
    public const int Explicit = 2;
    public const int Auto = 3;

    public StructLayoutInfo(int kind, int pack, int size, AttributeData? attribute)
    {
        Kind = kind;
        Pack = pack;
        Size = size;
        Attribute = attribute;
    }

    public int Kind { get; }
    public int Pack { get; }
    public int Size { get; }
    public AttributeData? Attribute { get; }
}

/// <summary>
/// Computes sizes for the size limit and the overlap check. It follows the runtime's rules for sequential and
/// explicit layout, fixed buffers and [InlineArray]. Types from other assemblies are only known from a small table
/// (reference assemblies hide their private fields), so their layout is "unknown" and the size checks skip them.
/// </summary>
internal sealed class LayoutCalculator
{
    private readonly KnownSymbols _known;
    private readonly Dictionary<ITypeSymbol, TypeLayout?> _cache = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ITypeSymbol> _inProgress = new(SymbolEqualityComparer.Default);

    public LayoutCalculator(KnownSymbols known) => _known = known;

    public static IEnumerable<IFieldSymbol> InstanceFields(ITypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsConst: false } field)
                yield return field;
        }
    }

    public StructLayoutInfo LayoutInfo(INamedTypeSymbol type)
    {
        AttributeData? attribute = KnownSymbols.FindAttribute(type, _known.StructLayoutAttribute);
        if (attribute is null)
            return new StructLayoutInfo(StructLayoutInfo.Sequential, 0, 0, null);
        int kind = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is { } k
            ? Convert.ToInt32(k)
            : StructLayoutInfo.Sequential;
        int pack = 0, size = 0;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == "Pack" && named.Value.Value is int p)
                pack = p;
            else if (named.Key == "Size" && named.Value.Value is int s)
                size = s;
        }
        return new StructLayoutInfo(kind, pack, size, attribute);
    }

    public int? InlineArrayLength(INamedTypeSymbol type)
    {
        AttributeData? attribute = KnownSymbols.FindAttribute(type, _known.InlineArrayAttribute);
        return attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is int length
            ? length
            : null;
    }

    public int? FieldOffset(IFieldSymbol field)
    {
        AttributeData? attribute = KnownSymbols.FindAttribute(field, _known.FieldOffsetAttribute);
        return attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is int offset
            ? offset
            : null;
    }

    public TypeLayout? OfField(IFieldSymbol field)
    {
        if (field.IsFixedSizeBuffer && field.Type is IPointerTypeSymbol pointer)
        {
            TypeLayout? element = Of(pointer.PointedAtType);
            return element is { } e ? new TypeLayout(e.Size * field.FixedSize, e.Alignment) : null;
        }
        return Of(field.Type);
    }

    public TypeLayout? Of(ITypeSymbol type)
    {
        if (_cache.TryGetValue(type, out TypeLayout? cached))
            return cached;
        if (!_inProgress.Add(type))
            return null;
        TypeLayout? result = Compute(type);
        _inProgress.Remove(type);
        _cache[type] = result;
        return result;
    }

    private TypeLayout? Compute(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
                return new TypeLayout(1, 1);
            case SpecialType.System_Char:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
                return new TypeLayout(2, 2);
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Single:
                return new TypeLayout(4, 4);
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Double:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
            case SpecialType.System_DateTime:
                return new TypeLayout(8, 8);
            case SpecialType.System_Decimal:
                return new TypeLayout(16, 8);
        }
        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
            return new TypeLayout(8, 8);
        if (type is not INamedTypeSymbol named || named.TypeKind is not (TypeKind.Struct or TypeKind.Enum))
            return null;
        if (named.TypeKind == TypeKind.Enum)
            return named.EnumUnderlyingType is { } underlying ? Of(underlying) : null;

        switch (named.ToDisplayString())
        {
            case "System.Guid": return new TypeLayout(16, 4);
            case "System.TimeSpan": return new TypeLayout(8, 8);
            case "System.DateTimeOffset": return new TypeLayout(16, 8);
            case "System.Half": return new TypeLayout(2, 2);
            case "System.Int128":
            case "System.UInt128": return new TypeLayout(16, 16);
        }

        if (InlineArrayLength(named) is { } length)
        {
            foreach (IFieldSymbol element in InstanceFields(named))
                return OfField(element) is { } e ? new TypeLayout(e.Size * length, e.Alignment) : null;
            return null;
        }
        if (!IsFromSource(named))
            return null;
        return ComputeStruct(named);
    }

    private static bool IsFromSource(INamedTypeSymbol type)
    {
        foreach (Location location in type.Locations)
        {
            if (location.IsInSource)
                return true;
        }
        return false;
    }

    private TypeLayout? ComputeStruct(INamedTypeSymbol type)
    {
        StructLayoutInfo info = LayoutInfo(type);
        long size = 0;
        int maxAlign = 1;
        foreach (IFieldSymbol field in InstanceFields(type))
        {
            if (OfField(field) is not { } f)
                return null;
            int align = info.Pack > 0 ? Math.Min(f.Alignment, info.Pack) : f.Alignment;
            maxAlign = Math.Max(maxAlign, align);
            if (info.Kind == StructLayoutInfo.Explicit)
            {
                size = Math.Max(size, (FieldOffset(field) ?? 0) + f.Size);
            }
            else
            {
                size = RoundUp(size, align) + f.Size;
            }
        }
        size = Math.Max(RoundUp(size, maxAlign), info.Size);
        return new TypeLayout(Math.Max(size, 1), maxAlign);
    }

    private static long RoundUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
