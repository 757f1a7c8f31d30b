using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>SST0009: <c>x++</c>, <c>x += n</c> or <c>x = x + n</c> on a guarded property: a get and a set under two locks.</summary>
internal static class TornUpdateCheck
{
    public static void Analyze(OperationAnalysisContext context, KnownSymbols known, GuardScopes scopes)
    {
        IOperation operation = context.Operation;
        IOperation? target = operation switch
        {
            IIncrementOrDecrementOperation increment => increment.Target,
            ICompoundAssignmentOperation compound => compound.Target,
            ISimpleAssignmentOperation simple => simple.Target,
            _ => null,
        };
        if (GuardScopes.Strip(target) is not IPropertyReferenceOperation { Instance: { } instance } property
            || !RecursiveLockCheck.IsGuardedProperty(known, property.Property))
            return;
        ISymbol? key = scopes.KeyOf(instance);
        if (operation is ISimpleAssignmentOperation assignment)
        {
            // x = x + …: only when the right side reads the same property of the same segment.
            if (key is null || !assignment.Value.DescendantsAndSelf().OfType<IPropertyReferenceOperation>().Any(read =>
                    SymbolEqualityComparer.Default.Equals(read.Property, property.Property)
                    && SymbolEqualityComparer.Default.Equals(scopes.KeyOf(read.Instance), key)))
                return;
        }
        if (key is not null && scopes.IsHeld(operation, key, exact: true))
            return; // the property takes a lock that is already held: SST0013 reports that

        string receiver = instance.Syntax.ToString();
        string addName = "Add" + property.Property.Name;
        bool hasAdd = property.Property.ContainingType.GetMembers(addName)
            .Any(m => m is IMethodSymbol { IsStatic: false, Parameters.Length: 1 });
        // A crash-atomic segment's AddX takes the lock (see the generator): still one atomic update, not lock-free.
        bool locked = known.PayloadOf(property.Property.ContainingType) is { } payload && RollbackWrites.DeclaresRollback(payload, known);
        string advice = hasAdd
            ? $"call {receiver}.{addName}(…), one atomic {(locked ? "update under the lock" : "lock-free update")}, or update it through the guard of 'using var guard = {receiver}.Lock()'"
            : $"update it through the guard of 'using var guard = {receiver}.Lock()'";
        ImmutableDictionary<string, string?> properties = hasAdd
            ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.AddMethodKey, addName)
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.TornUpdate, operation.Syntax.GetLocation(), properties, property.Syntax.ToString(), advice));
    }
}
