using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Layout;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>SST0006: a name the runtime's rule refuses. SST0007: two structs of the compilation with one name.</summary>
internal static class SegmentNameCheck
{
    public static void ReportInvalid(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, Rejection rejection)
    {
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.InvalidSegmentName, NameLocation(context, type, attribute), rejection.Path, rejection.Detail));
    }

    /// <summary>Remembers a valid name for the duplicate check at the end of the compilation.</summary>
    public static void Collect(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, SegmentCheck check, ConcurrentBag<NamedSegment> names)
    {
        if (check.SegmentName is { } name && SegmentNameRules.Check(name) is null)
            names.Add(new NamedSegment(name, type, NameLocation(context, type, attribute)));
    }

    public static void ReportDuplicates(CompilationAnalysisContext context, ConcurrentBag<NamedSegment> names)
    {
        foreach (IGrouping<string, NamedSegment> group in names.GroupBy(n => n.Name))
        {
            NamedSegment[] all = group.OrderBy(n => n.Type.ToDisplayString(), System.StringComparer.Ordinal).ToArray();
            if (all.Length < 2)
                continue;
            foreach (NamedSegment segment in all)
            {
                NamedSegment other = all.First(o => !ReferenceEquals(o, segment));
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateSegmentName, segment.Location,
                    segment.Name, segment.Type.ToDisplayString(), other.Type.ToDisplayString()));
            }
        }
    }

    private static Location NameLocation(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
        return syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null)?.Expression.GetLocation()
            ?? syntax?.GetLocation()
            ?? type.Locations[0];
    }

    internal sealed class NamedSegment
    {
        public NamedSegment(string name, INamedTypeSymbol type, Location location)
        {
            Name = name;
            Type = type;
            Location = location;
        }

        public string Name { get; }
        public INamedTypeSymbol Type { get; }
        public Location Location { get; }
    }
}
