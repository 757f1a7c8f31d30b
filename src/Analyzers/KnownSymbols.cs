using Microsoft.CodeAnalysis;

namespace SharedStruct.Analyzers;

/// <summary>The types the analyzers look for, resolved once per compilation.</summary>
internal sealed class KnownSymbols
{
    private KnownSymbols(Compilation compilation, INamedTypeSymbol sharedSegmentAttribute)
    {
        SharedSegmentAttribute = sharedSegmentAttribute;
        GeneratedSegmentAttribute = compilation.GetTypeByMetadataName("SharedStruct.GeneratedSegmentAttribute");
        SharedSegmentOfT = compilation.GetTypeByMetadataName("SharedStruct.SharedSegment`1");
        ReadOnlySharedSegmentOfT = compilation.GetTypeByMetadataName("SharedStruct.ReadOnlySharedSegment`1");
        SegmentGuardOfT = compilation.GetTypeByMetadataName("SharedStruct.SegmentGuard`1");
        SegmentWatcher = compilation.GetTypeByMetadataName("SharedStruct.SegmentWatcher");
        SharedSegmentOptions = compilation.GetTypeByMetadataName("SharedStruct.SharedSegmentOptions");
        TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        Timeout = compilation.GetTypeByMetadataName("System.Threading.Timeout");
        StructLayoutAttribute = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.StructLayoutAttribute");
        FieldOffsetAttribute = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.FieldOffsetAttribute");
        InlineArrayAttribute = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.InlineArrayAttribute");
    }

    public INamedTypeSymbol SharedSegmentAttribute { get; }
    public INamedTypeSymbol? GeneratedSegmentAttribute { get; }
    public INamedTypeSymbol? SharedSegmentOfT { get; }
    public INamedTypeSymbol? ReadOnlySharedSegmentOfT { get; }
    public INamedTypeSymbol? SegmentGuardOfT { get; }
    public INamedTypeSymbol? SegmentWatcher { get; }
    public INamedTypeSymbol? SharedSegmentOptions { get; }
    public INamedTypeSymbol? TimeSpan { get; }
    public INamedTypeSymbol? Timeout { get; }
    public INamedTypeSymbol? StructLayoutAttribute { get; }
    public INamedTypeSymbol? FieldOffsetAttribute { get; }
    public INamedTypeSymbol? InlineArrayAttribute { get; }

    /// <summary>Null when the compilation does not reference SharedStruct.Runtime: then no rule applies.</summary>
    public static KnownSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName("SharedStruct.SharedSegmentAttribute") is { } attribute
            ? new KnownSymbols(compilation, attribute)
            : null;

    public bool IsSharedSegmentOfT(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, SharedSegmentOfT);

    public bool IsReadOnlySharedSegmentOfT(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ReadOnlySharedSegmentOfT);

    public bool IsSegmentWatcher(ITypeSymbol? type) =>
        type is not null && SymbolEqualityComparer.Default.Equals(type, SegmentWatcher);

    public bool IsSegmentGuard(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, SegmentGuardOfT);

    /// <summary>A generator-emitted &lt;Struct&gt;Segment class (marked [GeneratedSegment]).</summary>
    public bool IsGeneratedSegment(ITypeSymbol? type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class } named
        && GeneratedSegmentAttribute is not null
        && HasAttribute(named, GeneratedSegmentAttribute);

    /// <summary>The payload struct named by [GeneratedSegment(typeof(T))], if it can be read.</summary>
    public INamedTypeSymbol? PayloadOf(INamedTypeSymbol generatedSegment)
    {
        foreach (AttributeData attribute in generatedSegment.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, GeneratedSegmentAttribute)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is INamedTypeSymbol payload)
                return payload;
        }
        return null;
    }

    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol attributeType)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                return true;
        }
        return false;
    }

    public static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
            return null;
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                return attribute;
        }
        return null;
    }
}
