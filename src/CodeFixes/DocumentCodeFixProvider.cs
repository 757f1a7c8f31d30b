using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStruct.CodeFixes;

/// <summary>
/// A fix that rewrites one document for a set of diagnostics, so "Fix All" is the same code path as a single fix
/// (and two fixes in one struct, such as two string fields both adding 'unsafe', cannot conflict).
/// </summary>
public abstract class DocumentCodeFixProvider : CodeFixProvider
{
    /// <summary>The title shown for <paramref name="diagnostic"/>, or null when this fix does not apply to it.</summary>
    protected abstract Task<string?> TitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>The equivalence key: one per provider, so Fix All groups every applicable diagnostic.</summary>
    protected abstract string EquivalenceKey { get; }

    /// <summary>Fixes every diagnostic in <paramref name="diagnostics"/> (all from <paramref name="document"/>).</summary>
    protected abstract Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
            return document;
        var applicable = new List<Diagnostic>();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (await TitleAsync(document, root, diagnostic, context.CancellationToken).ConfigureAwait(false) is not null)
                applicable.Add(diagnostic);
        }
        return applicable.Count == 0 ? document : await FixAsync(document, applicable.ToImmutableArray(), context.CancellationToken).ConfigureAwait(false);
    });

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
            return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            string? title = await TitleAsync(context.Document, root, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (title is null)
                continue;
            Document document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => FixAsync(document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The innermost node of type <typeparamref name="T"/> that covers the diagnostic's span.</summary>
    protected static T? NodeAt<T>(SyntaxNode root, Diagnostic diagnostic) where T : SyntaxNode =>
        root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<T>();

    protected static IEnumerable<T> NodesAt<T>(SyntaxNode root, IEnumerable<Diagnostic> diagnostics) where T : SyntaxNode =>
        diagnostics.Select(d => NodeAt<T>(root, d)).Where(n => n is not null).Distinct()!;
}
