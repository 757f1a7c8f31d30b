using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0003: a pointer, function pointer or native-sized integer, at any depth.</summary>
internal static class PerProcessValueCheck
{
    public static void Report(SymbolAnalysisContext context, Rejection rejection)
    {
        IFieldSymbol field = rejection.Field!;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.PerProcessValue, RejectionDiagnostics.FieldLocation(field, field.ContainingType),
            rejection.Path, rejection.Type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
    }
}
