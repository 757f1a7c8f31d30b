using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0015: a field type whose layout cannot be known at compile time (a struct from another assembly that is
/// not one of the supported core-library types, or structs nested too deep).</summary>
internal static class UnknownLayoutCheck
{
    public static void Report(SymbolAnalysisContext context, Rejection rejection)
    {
        IFieldSymbol field = rejection.Field!;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UnknownFieldLayout, RejectionDiagnostics.FieldLocation(field, field.ContainingType),
            rejection.Path, rejection.Type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), rejection.Detail));
    }
}
