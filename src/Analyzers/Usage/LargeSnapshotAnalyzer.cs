using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Usage;

/// <summary>
/// SST0014: a by-value snapshot (<c>ReadSnapshot</c>, <c>Read</c>, <c>TryRead</c>, <c>WatchAsync</c> handing out the
/// payload itself) of a runtime segment whose payload is over the 64 KiB limit the generator applies to its own API.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LargeSnapshotAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LargeByValueSnapshot);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { SharedSegmentOfT: not null } known)
                return;
            var layouts = new LayoutEngine();
            start.RegisterOperationAction(context => Analyze(context, known, layouts), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols known, LayoutEngine layouts)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.IsStatic || method.Name is not ("ReadSnapshot" or "Read" or "TryRead" or "WatchAsync"))
            return;
        if (!known.IsSharedSegmentOfT(method.ContainingType) && !known.IsReadOnlySharedSegmentOfT(method.ContainingType))
            return;
        ITypeSymbol payload = method.ContainingType.TypeArguments[0];
        if (!HandsOutByValue(method, payload))
            return;
        // Unknown layouts (a payload from another assembly) stay silent rather than guess. The engine caches per type
        // and is not thread-safe: one per compilation, used under a lock.
        lock (layouts)
        {
            if (layouts.SizeOf(payload) is not { } size || size <= PayloadLimits.MaxByValueSize)
                return;
            string call = invocation.Instance is { } instance ? instance.Syntax + "." + method.Name : method.Name;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LargeByValueSnapshot, invocation.Syntax.GetLocation(),
                call, payload.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), size));
        }
    }

    /// <summary>The payload as the return value, an <c>out</c> parameter, or the element of the async stream.</summary>
    private static bool HandsOutByValue(IMethodSymbol method, ITypeSymbol payload)
    {
        if (SymbolEqualityComparer.Default.Equals(method.ReturnType, payload))
            return true;
        if (method.ReturnType is INamedTypeSymbol { Name: "IAsyncEnumerable", TypeArguments.Length: 1 } stream
            && SymbolEqualityComparer.Default.Equals(stream.TypeArguments[0], payload))
            return true;
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.RefKind == RefKind.Out && SymbolEqualityComparer.Default.Equals(parameter.Type, payload))
                return true;
        }
        return false;
    }
}
