using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>
/// Checks code that uses segments: read-modify-writes of guarded properties (SST0009), unsynchronised access (SST0010),
/// guards that are never disposed (SST0011) and recursive locking (SST0013). Generated code is not analysed. This class
/// only dispatches; each rule lives in its own check.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SegmentUsageAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TornUpdate,
        DiagnosticDescriptors.UnsynchronizedAccess,
        DiagnosticDescriptors.GuardNotDisposed,
        DiagnosticDescriptors.RecursiveLock);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { SharedSegmentOfT: not null, SegmentGuardOfT: not null } known)
                return;
            var scopes = new GuardScopes(known);
            start.RegisterOperationAction(context => AnalyzeInvocation(context, known, scopes), OperationKind.Invocation);
            start.RegisterOperationAction(context => RecursiveLockCheck.AnalyzePropertyReference(context, known, scopes), OperationKind.PropertyReference);
            start.RegisterOperationAction(context => TornUpdateCheck.Analyze(context, known, scopes),
                OperationKind.Increment, OperationKind.Decrement, OperationKind.CompoundAssignment, OperationKind.SimpleAssignment);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known, GuardScopes scopes)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.IsStatic || invocation.Instance is null)
            return;
        bool lockable = scopes.IsLockable(method.ContainingType);
        bool readOnly = known.IsReadOnlySharedSegmentOfT(method.ContainingType);
        if (!lockable && !readOnly)
            return;
        string receiver = invocation.Instance.Syntax.ToString();
        switch (method.Name)
        {
            case "GetUnsynchronizedReference":
                UnsynchronizedAccessCheck.Analyze(context, known, scopes, invocation, receiver, readOnly);
                break;
            case "Lock" when lockable && known.IsSegmentGuard(method.ReturnType):
                RecursiveLockCheck.Analyze(context, scopes, invocation, receiver + ".Lock");
                GuardDisposalCheck.AnalyzeLock(context, invocation);
                break;
            case "TryLock" when lockable:
                RecursiveLockCheck.Analyze(context, scopes, invocation, receiver + ".TryLock");
                GuardDisposalCheck.AnalyzeTryLock(context, invocation);
                break;
            case "ReadSnapshot" or "Read" or "Update" when lockable:
                RecursiveLockCheck.Analyze(context, scopes, invocation, receiver + "." + method.Name);
                break;
        }
    }
}
