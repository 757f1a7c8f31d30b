using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>SST0010: <c>GetUnsynchronizedReference()</c> outside any guard of the segment.</summary>
internal static class UnsynchronizedAccessCheck
{
    public static void Analyze(OperationAnalysisContext context, KnownSymbols known, GuardScopes scopes, IInvocationOperation invocation, string receiver, bool readOnly)
    {
        if (scopes.IsHeld(invocation, scopes.KeyOf(invocation.Instance), exact: false))
            return;
        // A crash-atomic segment's bypassing write is SST0017's: one mistake, one warning.
        if (RollbackWrites.IsBypassingWrite(invocation, known, scopes))
            return;
        string advice = readOnly
            ? $"use {receiver}.Read() for a consistent copy"
            : $"use the guard's Value inside 'using var guard = {receiver}.Lock()', or ReadSnapshot for a consistent copy";
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UnsynchronizedAccess, invocation.Syntax.GetLocation(), receiver, advice));
    }
}
