using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>
/// SST0017: a write through <c>GetUnsynchronizedReference()</c>, outside a guard, to a segment whose payload declares
/// <c>RollbackOnCrash = true</c>. The rule itself is <see cref="RollbackWrites"/>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RollbackBypassAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.RollbackBypass);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { SharedSegmentOfT: not null, SegmentGuardOfT: not null } known)
                return;
            var scopes = new GuardScopes(known);
            start.RegisterOperationAction(context =>
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (!RollbackWrites.IsBypassingWrite(invocation, known, scopes))
                    return;
                string receiver = invocation.Instance!.Syntax.ToString();
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RollbackBypass, invocation.Syntax.GetLocation(),
                    receiver, invocation.TargetMethod.ContainingType.TypeArguments[0].Name));
            }, OperationKind.Invocation);
        });
    }
}
