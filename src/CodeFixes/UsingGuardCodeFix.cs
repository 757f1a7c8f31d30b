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
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace SharedStruct.CodeFixes;

/// <summary>
/// SST0011: <c>var g = seg.Lock();</c> becomes <c>using var g = seg.Lock();</c> (a plain <c>g.Dispose();</c> later
/// in the block is removed, since the using now releases the lock); a discarded <c>seg.Lock();</c> becomes
/// <c>using var guard = seg.Lock();</c>. TryLock's out guard has no fix: where the using belongs depends on the branch.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UsingGuardCodeFix)), Shared]
public sealed class UsingGuardCodeFix : DocumentCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.GuardNotDisposed);

    protected override string EquivalenceKey => DiagnosticIds.GuardNotDisposed + ".Using";

    protected override Task<string?> TitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        Task.FromResult(Target(root, diagnostic) is null ? null : "Acquire the guard with 'using'");

    private static StatementSyntax? Target(SyntaxNode root, Diagnostic diagnostic)
    {
        diagnostic.Properties.TryGetValue(DiagnosticIds.GuardUseKey, out string? use);
        StatementSyntax? statement = use switch
        {
            "LocalDeclaration" => NodeAt<LocalDeclarationStatementSyntax>(root, diagnostic) is { Declaration.Variables.Count: 1 } declaration ? declaration : null,
            "Discarded" => NodeAt<ExpressionStatementSyntax>(root, diagnostic),
            _ => null,
        };
        // A using declaration must stand directly in a block.
        return statement?.Parent is BlockSyntax ? statement : null;
    }

    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        var statements = diagnostics.Select(d => Target(root, d)).Where(s => s is not null).Distinct().ToList();
        var plainDisposes = new List<SyntaxNode>();
        var usedNames = new HashSet<string>();
        foreach (StatementSyntax? statement in statements)
        {
            if (statement is LocalDeclarationStatementSyntax declaration
                && model.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) is ILocalSymbol local)
                plainDisposes.AddRange(PlainDisposeCalls((BlockSyntax)declaration.Parent!, local, model, cancellationToken));
        }

        SyntaxNode fixedRoot = root.TrackNodes(statements.Concat(plainDisposes)!);
        foreach (SyntaxNode dispose in plainDisposes)
            fixedRoot = fixedRoot.RemoveNode(fixedRoot.GetCurrentNode(dispose)!, SyntaxRemoveOptions.KeepNoTrivia)!;
        foreach (StatementSyntax? statement in statements)
        {
            StatementSyntax current = fixedRoot.GetCurrentNode(statement!)!;
            StatementSyntax replacement = statement switch
            {
                LocalDeclarationStatementSyntax declaration => AddUsing((LocalDeclarationStatementSyntax)current),
                ExpressionStatementSyntax discarded => UsingDeclaration(
                    (ExpressionStatementSyntax)current, FreeName(discarded, model, usedNames)),
                _ => current,
            };
            fixedRoot = fixedRoot.ReplaceNode(current, replacement);
        }
        return document.WithSyntaxRoot(fixedRoot);
    }

    private static IEnumerable<ExpressionStatementSyntax> PlainDisposeCalls(BlockSyntax block, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken) =>
        block.Statements.OfType<ExpressionStatementSyntax>().Where(s =>
            s.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Expression: IdentifierNameSyntax target }, ArgumentList.Arguments.Count: 0 }
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(target, cancellationToken).Symbol, local));

    private static LocalDeclarationStatementSyntax AddUsing(LocalDeclarationStatementSyntax declaration)
    {
        SyntaxTriviaList leading = declaration.GetLeadingTrivia();
        return declaration
            .WithoutLeadingTrivia()
            .WithUsingKeyword(Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(Space))
            .WithLeadingTrivia(leading);
    }

    private static LocalDeclarationStatementSyntax UsingDeclaration(ExpressionStatementSyntax statement, string name)
    {
        ExpressionSyntax value = statement.Expression is AssignmentExpressionSyntax assignment ? assignment.Right : statement.Expression;
        return LocalDeclarationStatement(
                VariableDeclaration(IdentifierName("var").WithTrailingTrivia(Space))
                    .WithVariables(SingletonSeparatedList(VariableDeclarator(Identifier(name).WithTrailingTrivia(Space))
                        .WithInitializer(EqualsValueClause(Token(SyntaxKind.EqualsToken).WithTrailingTrivia(Space), value.WithoutTrivia())))))
            .WithUsingKeyword(Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(Space))
            .WithSemicolonToken(statement.SemicolonToken)
            .WithLeadingTrivia(statement.GetLeadingTrivia());
    }

    /// <summary>"guard", or "guard2", "guard3"… when the name is taken in the enclosing member or by an earlier fix.</summary>
    private static string FreeName(StatementSyntax statement, SemanticModel model, HashSet<string> usedNames)
    {
        SyntaxNode scope = statement.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? statement.Parent!;
        var taken = new HashSet<string>(scope.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        for (int i = 1; ; i++)
        {
            string name = i == 1 ? "guard" : "guard" + i;
            if (!taken.Contains(name) && !usedNames.Contains(name) && model.LookupSymbols(statement.SpanStart, name: name).IsEmpty)
            {
                // Unique within the member and among this fix's other new names: simple, and never shadows anything.
                usedNames.Add(name);
                return name;
            }
        }
    }
}
