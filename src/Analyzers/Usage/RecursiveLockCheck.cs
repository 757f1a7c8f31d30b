using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>SST0013: a call or guarded property that takes the lock of a segment whose guard is already held here.</summary>
internal static class RecursiveLockCheck
{
    /// <summary>Instance members of a generated segment class that do not take the lock.</summary>
    private static readonly ImmutableHashSet<string> UnguardedProperties = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Name", "IsCreator", "Location", "Segment", "IsFileBacked", "Fingerprint", "DefaultLockTimeout", "Layout", "SegmentName");

    public static void Analyze(OperationAnalysisContext context, GuardScopes scopes, IOperation operation, string what)
    {
        IOperation? instance = operation switch
        {
            IInvocationOperation i => i.Instance,
            IPropertyReferenceOperation p => p.Instance,
            _ => null,
        };
        if (scopes.KeyOf(instance) is { } key && scopes.IsHeld(operation, key, exact: true))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.RecursiveLock, operation.Syntax.GetLocation(), what, instance!.Syntax.ToString()));
        }
    }

    public static void AnalyzePropertyReference(OperationAnalysisContext context, KnownSymbols known, GuardScopes scopes)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (!IsGuardedProperty(known, reference.Property) || reference.Instance is null)
            return;
        Analyze(context, scopes, reference, reference.Syntax.ToString());
    }

    /// <summary>A generated property that mirrors a payload field: its get and its set each take the lock.</summary>
    public static bool IsGuardedProperty(KnownSymbols known, IPropertySymbol property)
    {
        if (property.IsStatic || UnguardedProperties.Contains(property.Name) || !known.IsGeneratedSegment(property.ContainingType))
            return false;
        INamedTypeSymbol? payload = known.PayloadOf(property.ContainingType);
        return payload is null || payload.GetMembers(property.Name).Any(m => m is IFieldSymbol { IsStatic: false, IsConst: false });
    }
}
