using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0001: the type is not a non-generic partial struct in partial, non-generic types.</summary>
internal static class DeclarationShapeCheck
{
    public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, Rejection rejection)
    {
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.ReasonKey, rejection.Tag ?? NotPartialReasons.Other);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NotPartialStruct, type.Locations[0], properties, type.Name, rejection.Detail));
    }
}
