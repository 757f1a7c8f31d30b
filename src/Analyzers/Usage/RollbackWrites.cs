using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>
/// Whether a <c>GetUnsynchronizedReference()</c> call is a write that bypasses a crash-atomic segment's protocol: the
/// payload type declares <c>[SharedSegment(…, RollbackOnCrash = true)]</c>, no guard of the segment is held, and the
/// reference is written (assigned, incremented, passed by <c>ref</c>/<c>out</c> as to <c>Interlocked</c>, bound to a
/// writable <c>ref</c> local, or the receiver of a mutating method). Shared by SST0017, which reports such a call, and
/// SST0010, which leaves it to SST0017 so that one mistake raises one warning.
/// </summary>
internal static class RollbackWrites
{
    public static bool IsBypassingWrite(IInvocationOperation invocation, KnownSymbols known, GuardScopes scopes)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name != "GetUnsynchronizedReference" || method.IsStatic || invocation.Instance is null
            || !known.IsSharedSegmentOfT(method.ContainingType) || !DeclaresRollback(method.ContainingType.TypeArguments[0], known))
            return false;
        return IsWritten(invocation) && !scopes.IsHeld(invocation, scopes.KeyOf(invocation.Instance), exact: false);
    }

    /// <summary>The payload's <c>[SharedSegment]</c> sets <c>RollbackOnCrash = true</c>.</summary>
    public static bool DeclaresRollback(ITypeSymbol payload, KnownSymbols known)
    {
        if (KnownSymbols.FindAttribute(payload, known.SharedSegmentAttribute) is not { } attribute)
            return false;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "RollbackOnCrash" && named.Value.Value is true)
                return true;
        }
        return false;
    }

    private static bool IsWritten(IOperation reference)
    {
        // Up through field accesses (and parentheses): raw.GetUnsynchronizedReference().Totals.A is still the payload.
        IOperation current = reference;
        while (current.Parent is IFieldReferenceOperation field && field.Instance == current
               || current.Parent is IParenthesizedOperation)
            current = current.Parent!;
        switch (current.Parent)
        {
            case IAssignmentOperation assignment when assignment.Target == current:
                return true;
            case IIncrementOrDecrementOperation:
                return true;
            case IArgumentOperation argument:
                return argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return declarator.Symbol.RefKind == RefKind.Ref;
            case IInvocationOperation call when call.Instance == current:
                return !call.TargetMethod.IsReadOnly && current.Type is { IsValueType: true };
            default:
                return false;
        }
    }
}
