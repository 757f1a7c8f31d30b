using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>
/// Which rule reports each kind of <see cref="Rejection"/>. Every descriptor here is an Error: the generator emits
/// nothing for a rejected type, so the build must say why rather than fail later with a bare CS0117.
/// </summary>
internal static class RejectionDiagnostics
{
    /// <summary>The descriptor of a kind; null for <see cref="RejectionKind.CompilerError"/>, which the compiler reports.</summary>
    public static DiagnosticDescriptor? DescriptorFor(RejectionKind kind) => kind switch
    {
        RejectionKind.Declaration => DiagnosticDescriptors.NotPartialStruct,
        RejectionKind.InvalidName => DiagnosticDescriptors.InvalidSegmentName,
        RejectionKind.ManagedField => DiagnosticDescriptors.NonBlittableField,
        RejectionKind.PerProcessValue => DiagnosticDescriptors.PerProcessValue,
        RejectionKind.RuntimeDependentLayout => DiagnosticDescriptors.RuntimeDependentLayout,
        RejectionKind.UnknownLayout => DiagnosticDescriptors.UnknownFieldLayout,
        RejectionKind.EmptyOrOversized => DiagnosticDescriptors.EmptyOrOversizedStruct,
        _ => null,
    };

    public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, Rejection rejection)
    {
        switch (rejection.Kind)
        {
            case RejectionKind.Declaration:
                DeclarationShapeCheck.Report(context, type, rejection);
                break;
            case RejectionKind.InvalidName:
                SegmentNameCheck.ReportInvalid(context, type, attribute, rejection);
                break;
            case RejectionKind.ManagedField:
                NonBlittableFieldCheck.Report(context, rejection);
                break;
            case RejectionKind.PerProcessValue:
                PerProcessValueCheck.Report(context, rejection);
                break;
            case RejectionKind.RuntimeDependentLayout:
                RuntimeLayoutCheck.Report(context, type, rejection);
                break;
            case RejectionKind.UnknownLayout:
                UnknownLayoutCheck.Report(context, rejection);
                break;
            case RejectionKind.EmptyOrOversized:
                PayloadSizeCheck.Report(context, type, rejection);
                break;
        }
    }

    /// <summary>Where a field rejection goes: the payload's field (the property, for an auto-property's backing field).</summary>
    public static Location FieldLocation(IFieldSymbol? field, INamedTypeSymbol type)
    {
        if (field is null)
            return type.Locations[0];
        if (field.AssociatedSymbol is { } associated && associated.Locations.Length > 0)
            return associated.Locations[0];
        return field.Locations.Length > 0 ? field.Locations[0] : type.Locations[0];
    }
}
