using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>
/// SST0005 (Info): bool, char and decimal, at any depth. Every .NET process lays them out alike, so SharedStruct
/// itself is fine with them; a program in another language reading the segment may not be.
/// </summary>
internal static class NonPortableFieldCheck
{
    private const int MaxDepth = 8;

    public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Struct)
            return;
        foreach (IFieldSymbol field in LayoutAttributes.InstanceFields(type))
        {
            if (!field.Type.IsUnmanagedType || field.IsFixedSizeBuffer)
                continue; // fixed buffers hold only primitives, and bool/char are fine there
            var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            Visit(context, field.Type, LayoutAttributes.Name(field), RejectionDiagnostics.FieldLocation(field, type), elementOfInlineArray: false, seen, 0);
        }
    }

    private static void Visit(SymbolAnalysisContext context, ITypeSymbol type, string path, Location location,
        bool elementOfInlineArray, HashSet<ITypeSymbol> seen, int depth)
    {
        string typeName = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonPortableFieldType, location, path, typeName,
                    "C and C++ disagree on the size of bool and only 0 and 1 are valid; if programs outside .NET read the segment, use a byte holding 0 or 1"));
                return;
            case SpecialType.System_Char:
                if (!elementOfInlineArray)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonPortableFieldType, location, path, typeName,
                        "a char is a 2-byte UTF-16 code unit, not a C char; for text use a fixed char buffer, for a code unit use ushort"));
                }
                return;
            case SpecialType.System_Decimal:
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonPortableFieldType, location, path, typeName,
                    "the 16-byte layout of decimal is a .NET implementation detail; if programs outside .NET read the segment, store a scaled long or a double"));
                return;
        }
        // Only source structs are walked: the core-library types of the layout table are reported by their own name
        // in the description, and a Nullable's flag is not a field anyone declared.
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Struct, SpecialType: SpecialType.None } named
            || named.DeclaringSyntaxReferences.IsEmpty || depth > MaxDepth || !seen.Add(named))
            return;
        bool inline = LayoutAttributes.InlineArrayLength(named) is not null;
        foreach (IFieldSymbol nested in LayoutAttributes.InstanceFields(named))
        {
            if (nested.IsFixedSizeBuffer)
                continue;
            string nestedPath = inline ? path + "[]" : path + "." + LayoutAttributes.Name(nested);
            Visit(context, nested.Type, nestedPath, location, inline, seen, depth + 1);
        }
    }
}
