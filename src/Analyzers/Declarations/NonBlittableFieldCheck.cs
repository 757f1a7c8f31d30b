using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0002: a field that holds a reference into one process's heap, with what to use instead.</summary>
internal static class NonBlittableFieldCheck
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    public static void Report(SymbolAnalysisContext context, Rejection rejection)
    {
        IFieldSymbol field = rejection.Field!;
        ITypeSymbol type = rejection.Type ?? field.Type;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(
            DiagnosticIds.FieldKindKey, type.SpecialType == SpecialType.System_String && !field.IsImplicitlyDeclared ? "string" : "other");
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NonBlittableField, RejectionDiagnostics.FieldLocation(field, field.ContainingType), properties,
            rejection.Path, type.ToDisplayString(TypeFormat), Advice(type, rejection.Path)));
    }

    private static string Advice(ITypeSymbol type, string name)
    {
        const string heap = "is a reference into one process's heap";
        switch (type)
        {
            case { SpecialType: SpecialType.System_String }:
                return $"a string {heap}; use a fixed char buffer (fixed char {name}[N]) or an [InlineArray] struct of char";
            case IArrayTypeSymbol array:
                string element = array.ElementType.ToDisplayString(TypeFormat);
                return IsFixedBufferElement(array.ElementType)
                    ? $"an array {heap}; use a fixed buffer (fixed {element} {name}[N]) or an [InlineArray] struct of {element}"
                    : $"an array {heap}; use an [InlineArray] struct of {element}";
            case INamedTypeSymbol { TypeKind: TypeKind.Struct } managedStruct:
                string? inner = FirstManagedField(managedStruct, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));
                return inner is null
                    ? $"'{managedStruct.ToDisplayString(TypeFormat)}' is not an unmanaged struct; make every field of it unmanaged"
                    : $"'{managedStruct.ToDisplayString(TypeFormat)}' contains the reference field '{inner}'; make every field of it unmanaged (no strings, arrays or classes)";
            case ITypeParameterSymbol:
                return "a type parameter may be a reference type; use a concrete unmanaged type";
            default:
                string kind = type.TypeKind switch
                {
                    TypeKind.Interface => "an interface",
                    TypeKind.Delegate => "a delegate",
                    _ => "an object",
                };
                return $"{kind} {heap}; store the data itself as unmanaged fields, or an index or ID every process can resolve";
        }
    }

    private static string? FirstManagedField(INamedTypeSymbol type, HashSet<ITypeSymbol> seen)
    {
        if (!seen.Add(type))
            return null;
        foreach (IFieldSymbol field in LayoutAttributes.InstanceFields(type))
        {
            if (field.Type.IsUnmanagedType)
                continue;
            if (field.Type is INamedTypeSymbol { TypeKind: TypeKind.Struct } nested && FirstManagedField(nested, seen) is { } deeper)
                return LayoutAttributes.Name(field) + "." + deeper;
            return LayoutAttributes.Name(field);
        }
        return null;
    }

    private static bool IsFixedBufferElement(ITypeSymbol type) => type.SpecialType is
        SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Char or
        SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or
        SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double;
}
