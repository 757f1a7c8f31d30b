using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0016: explicit fields that share bytes. A warning: the layout is well defined and the generator emits code.</summary>
internal static class OverlapCheck
{
    public static void Report(SymbolAnalysisContext context, StructLayoutResult layout)
    {
        if (layout.Kind != "Explicit")
            return;
        var placed = new List<FieldLayout>();
        foreach (FieldLayout field in layout.Fields)
        {
            long end = field.Offset + field.Layout.Size;
            foreach (FieldLayout other in placed)
            {
                long otherEnd = other.Offset + other.Layout.Size;
                if (field.Offset < otherEnd && other.Offset < end)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OverlappingFields,
                        RejectionDiagnostics.FieldLocation(field.Field, field.Field.ContainingType),
                        LayoutAttributes.Name(field.Field), LayoutAttributes.Name(other.Field),
                        $"{field.Offset}..{end - 1}", $"{other.Offset}..{otherEnd - 1}"));
                    break;
                }
            }
            placed.Add(field);
        }
    }
}
