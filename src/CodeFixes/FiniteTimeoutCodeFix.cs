using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SharedStruct.Analyzers;

namespace SharedStruct.CodeFixes;

/// <summary>
/// SST0012: an infinite timeout argument, or one the runtime rejects (<c>TimeSpan.MaxValue</c>, a negative other than
/// -1 ms), becomes <c>TimeSpan.FromSeconds(1)</c>; a non-positive
/// <c>LockTimeoutMilliseconds</c> becomes 1000, the runtime's default.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FiniteTimeoutCodeFix)), Shared]
public sealed class FiniteTimeoutCodeFix : DocumentCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoLockTimeout);

    protected override string EquivalenceKey => DiagnosticIds.NoLockTimeout + ".Finite";

    protected override Task<string?> TitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Target(root, diagnostic) is null)
            return Task.FromResult<string?>(null);
        return Task.FromResult<string?>(IsAttribute(diagnostic) ? "Use a 1000 ms lock timeout" : "Use a finite timeout: TimeSpan.FromSeconds(1)");
    }

    private static bool IsAttribute(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(DiagnosticIds.TimeoutSiteKey, out string? site) && site == "Attribute";

    private static ExpressionSyntax? Target(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax expression
        && expression.Span == diagnostic.Location.SourceSpan
            ? expression
            : null;

    /// <summary>The shortest spelling of System.TimeSpan that binds at <paramref name="position"/>.</summary>
    private static string TimeSpanName(SemanticModel model, int position)
    {
        INamedTypeSymbol? timeSpan = model.Compilation.GetTypeByMetadataName("System.TimeSpan");
        foreach (string candidate in new[] { "TimeSpan", "System.TimeSpan" })
        {
            ITypeSymbol? bound = model.GetSpeculativeTypeInfo(position, SyntaxFactory.ParseTypeName(candidate), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
            if (SymbolEqualityComparer.Default.Equals(bound, timeSpan))
                return candidate;
        }
        return "global::System.TimeSpan";
    }

    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        var targets = diagnostics
            .Select(d => (Node: Target(root, d), Attribute: IsAttribute(d)))
            .Where(t => t.Node is not null)
            .ToList();
        SyntaxNode fixedRoot = root.ReplaceNodes(targets.Select(t => t.Node!), (original, _) =>
        {
            bool attribute = targets.First(t => t.Node == original).Attribute;
            ExpressionSyntax replacement = attribute
                ? SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1000))
                : SyntaxFactory.ParseExpression(TimeSpanName(model, original.SpanStart) + ".FromSeconds(1)");
            return replacement.WithTriviaFrom(original);
        });
        return document.WithSyntaxRoot(fixedRoot);
    }
}
