using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0008: a struct with no instance fields, or a payload over the 1 GiB limit.</summary>
internal static class PayloadSizeCheck
{
    public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, Rejection rejection) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EmptyOrOversizedStruct, type.Locations[0], type.Name, rejection.Detail));
}
