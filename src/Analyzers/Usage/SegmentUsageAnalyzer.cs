using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>
/// Checks code that uses segments: read-modify-writes of guarded properties, unsynchronised access, guards that are
/// never disposed, infinite lock timeouts and recursive locking. Generated code is not analysed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SegmentUsageAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Instance members of a generated segment class that do not take the lock.</summary>
    private static readonly ImmutableHashSet<string> UnguardedProperties = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Name", "IsCreator", "Location", "Segment", "IsFileBacked", "Fingerprint", "DefaultLockTimeout", "Layout", "SegmentName");

    private const long InfiniteTicks = -10_000; // Timeout.InfiniteTimeSpan: -1 ms

    // The runtime's limit (SegmentCore.CheckTimeout): int.MaxValue whole milliseconds, the most its waits can take.
    private const long MaxTimeoutTicks = int.MaxValue * 10_000L + 9_999;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TornUpdate,
        DiagnosticDescriptors.UnsynchronizedAccess,
        DiagnosticDescriptors.GuardNotDisposed,
        DiagnosticDescriptors.NoLockTimeout,
        DiagnosticDescriptors.RecursiveLock);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { SharedSegmentOfT: not null, SegmentGuardOfT: not null } known)
                return;
            var analyzer = new Analysis(known);
            start.RegisterOperationAction(analyzer.AnalyzeInvocation, OperationKind.Invocation);
            start.RegisterOperationAction(analyzer.AnalyzePropertyReference, OperationKind.PropertyReference);
            start.RegisterOperationAction(analyzer.AnalyzeUpdate,
                OperationKind.Increment, OperationKind.Decrement, OperationKind.CompoundAssignment, OperationKind.SimpleAssignment);
            start.RegisterOperationAction(analyzer.AnalyzeArgument, OperationKind.Argument);
        });
    }

    private sealed class Analysis
    {
        private readonly KnownSymbols _known;
        private readonly GuardScopes _scopes;

        public Analysis(KnownSymbols known)
        {
            _known = known;
            _scopes = new GuardScopes(known);
        }

        // ------------------------------------------------------------ invocations: SST0010, SST0011, SST0013

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            IMethodSymbol method = invocation.TargetMethod;
            if (method.IsStatic || invocation.Instance is null)
                return;
            bool lockable = _scopes.IsLockable(method.ContainingType);
            bool readOnly = _known.IsReadOnlySharedSegmentOfT(method.ContainingType);
            if (!lockable && !readOnly)
                return;
            string receiver = invocation.Instance.Syntax.ToString();
            switch (method.Name)
            {
                case "GetUnsynchronizedReference":
                    // A crash-atomic segment's bypassing write is SST0015's: one mistake, one warning.
                    if (!_scopes.IsHeld(invocation, _scopes.KeyOf(invocation.Instance), exact: false)
                        && !RollbackWrites.IsBypassingWrite(invocation, _known, _scopes))
                    {
                        string advice = readOnly
                            ? $"use {receiver}.Read() for a consistent copy"
                            : $"use the guard's Value inside 'using var guard = {receiver}.Lock()', or ReadSnapshot for a consistent copy";
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.UnsynchronizedAccess, invocation.Syntax.GetLocation(), receiver, advice));
                    }
                    break;
                case "Lock" when lockable && _known.IsSegmentGuard(method.ReturnType):
                    ReportIfRecursive(context, invocation, receiver + ".Lock");
                    CheckLockResult(context, invocation);
                    break;
                case "TryLock" when lockable:
                    ReportIfRecursive(context, invocation, receiver + ".TryLock");
                    CheckTryLockGuard(context, invocation);
                    break;
                case "ReadSnapshot" or "Read" or "Update" when lockable:
                    ReportIfRecursive(context, invocation, receiver + "." + method.Name);
                    break;
            }
        }

        private void ReportIfRecursive(OperationAnalysisContext context, IOperation operation, string what)
        {
            IOperation? instance = operation switch
            {
                IInvocationOperation i => i.Instance,
                IPropertyReferenceOperation p => p.Instance,
                _ => null,
            };
            if (_scopes.KeyOf(instance) is { } key && _scopes.IsHeld(operation, key, exact: true))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.RecursiveLock, operation.Syntax.GetLocation(), what, instance!.Syntax.ToString()));
            }
        }

        private void CheckLockResult(OperationAnalysisContext context, IInvocationOperation invocation)
        {
            SemanticModel? model = invocation.SemanticModel;
            if (model is null)
                return;
            SyntaxNode node = invocation.Syntax;
            while (node.Parent is ParenthesizedExpressionSyntax)
                node = node.Parent;
            string? use = null;
            switch (node.Parent)
            {
                case ExpressionStatementSyntax:
                    use = "Discarded";
                    break;
                case AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax } assignment when assignment.Right == node:
                    IOperation? target = model.GetOperation(assignment.Left, context.CancellationToken);
                    if (target is IDiscardOperation)
                        use = "Discarded";
                    else if (target is ILocalReferenceOperation local && !IsDisposedLater(local.Local, node, model))
                        use = "Local";
                    break;
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax statement } } declarator }:
                    if (!statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                        && model.GetDeclaredSymbol(declarator, context.CancellationToken) is ILocalSymbol declared
                        && !IsDisposedLater(declared, node, model))
                        use = "LocalDeclaration";
                    break;
            }
            if (use is null)
                return;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.GuardUseKey, use);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.GuardNotDisposed, invocation.Syntax.GetLocation(), properties, invocation.TargetMethod.Name));
        }

        private void CheckTryLockGuard(OperationAnalysisContext context, IInvocationOperation invocation)
        {
            SemanticModel? model = invocation.SemanticModel;
            IArgumentOperation? outArgument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.RefKind == RefKind.Out);
            if (model is null || outArgument?.Syntax is not ArgumentSyntax argument)
                return;
            bool disposed;
            switch (GuardScopes.Strip(outArgument.Value))
            {
                case IDiscardOperation:
                    disposed = false;
                    break;
                case IDeclarationExpressionOperation { Expression: ILocalReferenceOperation local }:
                    disposed = IsDisposedLater(local.Local, argument, model);
                    break;
                case ILocalReferenceOperation local:
                    disposed = IsDisposedLater(local.Local, argument, model);
                    break;
                default:
                    return;
            }
            if (disposed)
                return;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.GuardUseKey, "OutArgument");
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.GuardNotDisposed, argument.GetLocation(), properties, invocation.TargetMethod.Name));
        }

        /// <summary>A 'using (g)', 'using var x = g;' or 'g.Dispose()' in a finally block, anywhere in the member.</summary>
        private static bool IsDisposedLater(ILocalSymbol local, SyntaxNode from, SemanticModel model)
        {
            SyntaxNode? body = from.FirstAncestorOrSelf<MemberDeclarationSyntax>();
            if (body is null)
                return true;
            foreach (SyntaxNode node in body.DescendantNodes())
            {
                switch (node)
                {
                    case UsingStatementSyntax { Expression: IdentifierNameSyntax resource } when Names(resource):
                        return true;
                    case LocalDeclarationStatementSyntax statement when statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                        && statement.Declaration.Variables.Any(v => v.Initializer?.Value is IdentifierNameSyntax value && Names(value)):
                        return true;
                    case UsingStatementSyntax { Declaration: { } declaration }
                        when declaration.Variables.Any(v => v.Initializer?.Value is IdentifierNameSyntax value && Names(value)):
                        return true;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Expression: IdentifierNameSyntax target } } call
                        when Names(target) && call.FirstAncestorOrSelf<FinallyClauseSyntax>() is not null:
                        return true;
                }
            }
            return false;

            bool Names(IdentifierNameSyntax identifier) =>
                identifier.Identifier.ValueText == local.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier).Symbol, local);
        }

        // ------------------------------------------------------------ guarded properties: SST0013

        public void AnalyzePropertyReference(OperationAnalysisContext context)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            if (!IsGuardedProperty(reference.Property) || reference.Instance is null)
                return;
            ReportIfRecursive(context, reference, reference.Syntax.ToString());
        }

        private bool IsGuardedProperty(IPropertySymbol property)
        {
            if (property.IsStatic || UnguardedProperties.Contains(property.Name) || !_known.IsGeneratedSegment(property.ContainingType))
                return false;
            INamedTypeSymbol? payload = _known.PayloadOf(property.ContainingType);
            return payload is null || payload.GetMembers(property.Name).Any(m => m is IFieldSymbol { IsStatic: false, IsConst: false });
        }

        // ------------------------------------------------------------ read-modify-write: SST0009

        public void AnalyzeUpdate(OperationAnalysisContext context)
        {
            IOperation operation = context.Operation;
            IOperation? target = operation switch
            {
                IIncrementOrDecrementOperation increment => increment.Target,
                ICompoundAssignmentOperation compound => compound.Target,
                ISimpleAssignmentOperation simple => simple.Target,
                _ => null,
            };
            if (operation is ISimpleAssignmentOperation optionsAssignment
                && GuardScopes.Strip(target) is IPropertyReferenceOperation { Property.Name: "LockTimeout" } optionsProperty
                && SymbolEqualityComparer.Default.Equals(optionsProperty.Property.ContainingType, _known.SharedSegmentOptions))
            {
                ReportIfNotFinite(context, optionsAssignment.Value, "SharedSegmentOptions.LockTimeout", "opening the segment");
                return;
            }
            if (GuardScopes.Strip(target) is not IPropertyReferenceOperation { Instance: { } instance } property
                || !IsGuardedProperty(property.Property))
                return;
            ISymbol? key = _scopes.KeyOf(instance);
            if (operation is ISimpleAssignmentOperation assignment)
            {
                // x = x + …: only when the right side reads the same property of the same segment.
                if (key is null || !assignment.Value.DescendantsAndSelf().OfType<IPropertyReferenceOperation>().Any(read =>
                        SymbolEqualityComparer.Default.Equals(read.Property, property.Property)
                        && SymbolEqualityComparer.Default.Equals(_scopes.KeyOf(read.Instance), key)))
                    return;
            }
            if (key is not null && _scopes.IsHeld(operation, key, exact: true))
                return; // the property takes a lock that is already held: SST0013 reports that

            string receiver = instance.Syntax.ToString();
            string addName = "Add" + property.Property.Name;
            bool hasAdd = property.Property.ContainingType.GetMembers(addName)
                .Any(m => m is IMethodSymbol { IsStatic: false, Parameters.Length: 1 });
            // A crash-atomic segment's AddX takes the lock (see the generator): still one atomic update, not lock-free.
            bool locked = _known.PayloadOf(property.Property.ContainingType) is { } payload && RollbackWrites.DeclaresRollback(payload, _known);
            string advice = hasAdd
                ? $"call {receiver}.{addName}(…), one atomic {(locked ? "update under the lock" : "lock-free update")}, or update it through the guard of 'using var guard = {receiver}.Lock()'"
                : $"update it through the guard of 'using var guard = {receiver}.Lock()'";
            ImmutableDictionary<string, string?> properties = hasAdd
                ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.AddMethodKey, addName)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.TornUpdate, operation.Syntax.GetLocation(), properties, property.Syntax.ToString(), advice));
        }

        // ------------------------------------------------------------ timeouts: SST0012

        public void AnalyzeArgument(OperationAnalysisContext context)
        {
            var argument = (IArgumentOperation)context.Operation;
            if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is not { } parameter
                || parameter.Name is not ("timeout" or "defaultLockTimeout")
                || parameter.ContainingSymbol is not IMethodSymbol method)
                return;
            if (!_scopes.IsLockable(method.ContainingType) && !_known.IsReadOnlySharedSegmentOfT(method.ContainingType))
                return;
            // Waiting forever for the next change holds no lock and blocks nobody else: a watcher may wait as long as it likes.
            if (method.Name is "WaitForChange" or "WaitForChangeAsync")
                return;
            ReportIfNotFinite(context, argument.Value, method.Name, "the call");
        }

        /// <param name="rejectedBy">What throws for a value the runtime rejects: the call itself, or the open that reads the options.</param>
        private void ReportIfNotFinite(OperationAnalysisContext context, IOperation value, string what, string rejectedBy)
        {
            string? why = TicksOf(value) switch
            {
                InfiniteTicks => "is infinite, so a holder that hangs blocks this call forever",
                > MaxTimeoutTicks => IsTimeSpanField(value, "MaxValue")
                    ? $"is TimeSpan.MaxValue, beyond the runtime's limit of int.MaxValue milliseconds (about 24.8 days), so {rejectedBy} throws ArgumentOutOfRangeException"
                    : $"is beyond the runtime's limit of int.MaxValue milliseconds (about 24.8 days), so {rejectedBy} throws ArgumentOutOfRangeException",
                < 0 => $"is negative and not Timeout.InfiniteTimeSpan (exactly -1 ms), so {rejectedBy} throws ArgumentOutOfRangeException",
                _ => null,
            };
            if (why is null)
                return;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.TimeoutSiteKey, "Argument");
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.NoLockTimeout, value.Syntax.GetLocation(), properties, what, why, "TimeSpan.FromSeconds(1)"));
        }

        private bool IsTimeSpanField(IOperation? operation, string name) =>
            GuardScopes.Strip(operation) is IFieldReferenceOperation field
            && field.Field.Name == name
            && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _known.TimeSpan);

        /// <summary>The value of a constant TimeSpan expression in ticks, or null when it is not a constant.</summary>
        private long? TicksOf(IOperation? operation)
        {
            operation = GuardScopes.Strip(operation);
            switch (operation)
            {
                case IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } field
                    when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _known.Timeout):
                    return InfiniteTicks;
                case IFieldReferenceOperation { Field.Name: "Zero" } field
                    when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _known.TimeSpan):
                    return 0;
                case IFieldReferenceOperation { Field.Name: "MaxValue" } field
                    when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _known.TimeSpan):
                    return long.MaxValue;
                case IFieldReferenceOperation { Field.Name: "MinValue" } field
                    when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _known.TimeSpan):
                    return long.MinValue;
                case IInvocationOperation { TargetMethod.IsStatic: true } call
                    when SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _known.TimeSpan):
                    double unit = call.TargetMethod.Name switch
                    {
                        "FromTicks" => 1,
                        "FromMilliseconds" => 1e4,
                        "FromSeconds" => 1e7,
                        "FromMinutes" => 60e7,
                        "FromHours" => 3600e7,
                        "FromDays" => 86400e7,
                        _ => 0,
                    };
                    // .NET 9 added FromMilliseconds(long, long microseconds = 0) and the like: only the first
                    // argument may be non-zero for this simple reading.
                    if (unit == 0 || call.Arguments.Length == 0 || Constant(call.Arguments[0].Value) is not { } first)
                        return null;
                    for (int i = 1; i < call.Arguments.Length; i++)
                    {
                        if (Constant(call.Arguments[i].Value) is not 0d)
                            return null;
                    }
                    return Ticks(Math.Round(first * unit));
                case IObjectCreationOperation { Constructor: { } constructor } creation
                    when SymbolEqualityComparer.Default.Equals(constructor.ContainingType, _known.TimeSpan):
                    double[] values = new double[creation.Arguments.Length];
                    for (int i = 0; i < values.Length; i++)
                    {
                        if (Constant(creation.Arguments[i].Value) is not { } value)
                            return null;
                        values[i] = value;
                    }
                    return values.Length switch
                    {
                        0 => 0,
                        1 => Ticks(values[0]),
                        3 => Ticks(((values[0] * 60 + values[1]) * 60 + values[2]) * 1e7),
                        4 => Ticks((((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1e7),
                        5 => Ticks((((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1e7 + values[4] * 1e4),
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        // Clamped, because a double cast to long out of its range is undefined; TimeSpan itself throws beyond it.
        private static long Ticks(double ticks) =>
            ticks >= long.MaxValue ? long.MaxValue : ticks <= long.MinValue ? long.MinValue : (long)ticks;

        private static double? Constant(IOperation operation)
        {
            Optional<object?> constant = operation.ConstantValue;
            if (!constant.HasValue || constant.Value is null)
                return null;
            try
            {
                return Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (InvalidCastException)
            {
                return null;
            }
        }
    }
}
