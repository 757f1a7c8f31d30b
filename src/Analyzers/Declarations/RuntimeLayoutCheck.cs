using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0004: auto layout, of the struct itself or of a field's type (a nested struct, a ValueTuple, DateTimeOffset).</summary>
internal static class RuntimeLayoutCheck
{
    public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, Rejection rejection)
    {
        Location location;
        if (rejection.Field is { } field)
        {
            location = RejectionDiagnostics.FieldLocation(field, type);
        }
        else
        {
            // The struct's own [StructLayout(LayoutKind.Auto)]: point at the attribute.
            AttributeData? structLayout = LayoutAttributes.StructLayout(type).Attribute;
            location = structLayout?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations[0];
        }
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeDependentLayout, location, rejection.Path, rejection.Detail));
    }
}
