using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStruct.Analyzers.Usage;

namespace SharedStruct.Analyzers.Timeouts;

/// <summary>
/// SST0012, every place a timeout is given: <c>[SharedSegment(LockTimeoutMilliseconds = …)]</c>, a <c>timeout</c>
/// or <c>defaultLockTimeout</c> argument of a segment or watcher method, and <c>SharedSegmentOptions.LockTimeout</c> and
/// <c>OpenTimeout</c>. Flags an infinite lock timeout (a hung holder blocks forever) and any constant the runtime
/// rejects: negative, beyond int.MaxValue milliseconds (TimeSpan.MaxValue), not a finite number, or an infinite
/// <c>OpenTimeout</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TimeoutAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.NoLockTimeout);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { } known)
                return;
            var scopes = new GuardScopes(known);
            var constants = new TimeoutConstants(known);
            start.RegisterSymbolAction(context => AnalyzeAttribute(context, known), SymbolKind.NamedType);
            start.RegisterOperationAction(context => AnalyzeArgument(context, known, scopes, constants), OperationKind.Argument);
            start.RegisterOperationAction(context => AnalyzeOptions(context, known, constants), OperationKind.SimpleAssignment);
        });
    }

    private static void AnalyzeAttribute(SymbolAnalysisContext context, KnownSymbols known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (KnownSymbols.FindAttribute(type, known.SharedSegmentAttribute) is not { } attribute)
            return;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key != "LockTimeoutMilliseconds" || named.Value.Value is not int ms || ms > 0)
                continue;
            string what = ms switch
            {
                -1 => "is -1 ms (Timeout.Infinite), so a stuck holder blocks every access forever",
                0 => "is 0 ms, so every access that meets a holder throws TimeoutException at once",
                _ => $"is {ms} ms, which the runtime rejects: opening the segment throws ArgumentOutOfRangeException",
            };
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
            Location location = syntax?.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "LockTimeoutMilliseconds")?.Expression.GetLocation()
                ?? type.Locations[0];
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.TimeoutSiteKey, "Attribute");
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.NoLockTimeout, location, properties,
                $"[SharedSegment] on {type.Name}", what, "1000 (the default)"));
        }
    }

    private static void AnalyzeArgument(OperationAnalysisContext context, KnownSymbols known, GuardScopes scopes, TimeoutConstants constants)
    {
        var argument = (IArgumentOperation)context.Operation;
        if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is not { } parameter
            || parameter.Name is not ("timeout" or "defaultLockTimeout")
            || parameter.ContainingSymbol is not IMethodSymbol method)
            return;
        if (!scopes.IsLockable(method.ContainingType) && !known.IsReadOnlySharedSegmentOfT(method.ContainingType)
            && !known.IsSegmentWatcher(method.ContainingType))
            return;
        // Waiting forever for the next change holds no lock and blocks nobody else: a watcher may wait as long as it
        // likes. A value the runtime rejects still throws there.
        Infinite infinite = method.Name is "WaitForChange" or "WaitForChangeAsync" ? Infinite.Allowed : Infinite.Hangs;
        Report(context, constants, argument.Value, method.Name, "the call", infinite);
    }

    private static void AnalyzeOptions(OperationAnalysisContext context, KnownSymbols known, TimeoutConstants constants)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (GuardScopes.Strip(assignment.Target) is not IPropertyReferenceOperation property
            || !SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, known.SharedSegmentOptions))
            return;
        if (property.Property.Name == "LockTimeout")
            Report(context, constants, assignment.Value, "SharedSegmentOptions.LockTimeout", "opening the segment", Infinite.Hangs);
        else if (property.Property.Name == "OpenTimeout")
            Report(context, constants, assignment.Value, "SharedSegmentOptions.OpenTimeout", "opening the segment", Infinite.Rejected);
    }

    /// <summary>What an infinite timeout means where it is given.</summary>
    private enum Infinite
    {
        /// <summary>A change wait: it holds no lock, so waiting forever harms no one.</summary>
        Allowed,

        /// <summary>A lock wait: valid, but a holder that hangs blocks the caller forever.</summary>
        Hangs,

        /// <summary>The open timeout: the runtime refuses it (see <c>SharedSegmentOptions.OpenTimeout</c>).</summary>
        Rejected,
    }

    /// <param name="rejectedBy">What throws for a value the runtime rejects: the call itself, or the open that reads the options.</param>
    private static void Report(OperationAnalysisContext context, TimeoutConstants constants, IOperation value, string what, string rejectedBy, Infinite infinite)
    {
        string? why = constants.Classify(value) switch
        {
            TimeoutClass.Infinite when infinite == Infinite.Hangs => "is infinite, so a holder that hangs blocks this call forever",
            TimeoutClass.Infinite when infinite == Infinite.Rejected => $"is infinite, which the open timeout cannot be (a creator that died before writing the header looks like a slow one, and only the timeout ends that wait), so {rejectedBy} throws ArgumentOutOfRangeException",
            TimeoutClass.MaxValue => $"is TimeSpan.MaxValue, beyond the runtime's limit of int.MaxValue milliseconds (about 24.8 days), so {rejectedBy} throws ArgumentOutOfRangeException",
            TimeoutClass.TooLong => $"is beyond the runtime's limit of int.MaxValue milliseconds (about 24.8 days), so {rejectedBy} throws ArgumentOutOfRangeException",
            TimeoutClass.Negative when infinite == Infinite.Rejected => $"is negative, so {rejectedBy} throws ArgumentOutOfRangeException",
            TimeoutClass.Negative => $"is negative and not Timeout.InfiniteTimeSpan (exactly -1 ms), so {rejectedBy} throws ArgumentOutOfRangeException",
            TimeoutClass.NotFinite => "is not a finite number (NaN or infinity), so creating the TimeSpan throws before any lock is tried",
            _ => null,
        };
        if (why is null)
            return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.TimeoutSiteKey, "Argument");
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NoLockTimeout, value.Syntax.GetLocation(), properties, what, why, "TimeSpan.FromSeconds(1)"));
    }
}
