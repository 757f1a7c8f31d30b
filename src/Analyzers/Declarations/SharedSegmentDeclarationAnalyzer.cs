using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>
/// Checks every [SharedSegment] type with the generator's own rules (<see cref="SegmentRules"/>): each reason the
/// generator emits nothing is reported as an error by the check that owns it (<see cref="RejectionDiagnostics"/>),
/// then the warnings and notes about types that do get code. This class only dispatches.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedSegmentDeclarationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NotPartialStruct,
        DiagnosticDescriptors.NonBlittableField,
        DiagnosticDescriptors.PerProcessValue,
        DiagnosticDescriptors.RuntimeDependentLayout,
        DiagnosticDescriptors.NonPortableFieldType,
        DiagnosticDescriptors.InvalidSegmentName,
        DiagnosticDescriptors.DuplicateSegmentName,
        DiagnosticDescriptors.EmptyOrOversizedStruct,
        DiagnosticDescriptors.UnknownFieldLayout,
        DiagnosticDescriptors.OverlappingFields);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { } known)
                return;
            var names = new ConcurrentBag<SegmentNameCheck.NamedSegment>();
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known, names), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => SegmentNameCheck.ReportDuplicates(end, names));
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, ConcurrentBag<SegmentNameCheck.NamedSegment> names)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AttributeData? attribute = KnownSymbols.FindAttribute(type, known.SharedSegmentAttribute);
        if (attribute is null)
            return;

        SegmentCheck check = SegmentRules.Check(type, attribute, new LayoutEngine());
        foreach (Rejection rejection in check.Rejections)
            RejectionDiagnostics.Report(context, type, attribute, rejection);
        SegmentNameCheck.Collect(context, type, attribute, check, names);

        if (check.Layout is { } layout)
            OverlapCheck.Report(context, layout);
        NonPortableFieldCheck.Report(context, type);
    }
}
