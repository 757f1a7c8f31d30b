using System.Collections.Generic;
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
using SharedStruct.CodeFixes.Syntax;

namespace SharedStruct.CodeFixes;

/// <summary>SST0001: adds 'partial' to the struct, or to the containing types that lack it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix)), Shared]
public sealed class AddPartialCodeFix : DocumentCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotPartialStruct);

    protected override string EquivalenceKey => DiagnosticIds.NotPartialStruct + ".AddPartial";

    protected override Task<string?> TitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        diagnostic.Properties.TryGetValue(DiagnosticIds.ReasonKey, out string? reason);
        string? title = reason switch
        {
            NotPartialReasons.NotPartial when NodeAt<TypeDeclarationSyntax>(root, diagnostic) is not null => "Make the struct partial",
            NotPartialReasons.ContainingTypeNotPartial when NodeAt<TypeDeclarationSyntax>(root, diagnostic) is not null => "Make the containing types partial",
            _ => null,
        };
        return Task.FromResult(title);
    }

    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var targets = new HashSet<TypeDeclarationSyntax>();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (NodeAt<TypeDeclarationSyntax>(root, diagnostic) is not { } declaration)
                continue;
            diagnostic.Properties.TryGetValue(DiagnosticIds.ReasonKey, out string? reason);
            if (reason == NotPartialReasons.NotPartial)
                targets.Add(declaration);
            else
                targets.UnionWith(declaration.Ancestors().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)));
        }
        SyntaxNode fixedRoot = root.ReplaceNodes(targets, (_, rewritten) => Modifiers.Add(rewritten, SyntaxKind.PartialKeyword));
        return document.WithSyntaxRoot(fixedRoot);
    }
}
