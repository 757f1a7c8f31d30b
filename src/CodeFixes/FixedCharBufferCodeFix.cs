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
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace SharedStruct.CodeFixes;

/// <summary>
/// SST0002 on a string field: <c>public string Name;</c> becomes <c>public fixed char Name[64];</c> and the struct
/// becomes <c>unsafe</c>. 64 UTF-16 units (128 bytes) hold a typical name, path segment or label; the generated
/// string property truncates longer values, so the length is a visible, reviewable choice in the fixed code.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixedCharBufferCodeFix)), Shared]
public sealed class FixedCharBufferCodeFix : DocumentCodeFixProvider
{
    public const int Length = 64;

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NonBlittableField);

    protected override string EquivalenceKey => DiagnosticIds.NonBlittableField + ".FixedChar";

    protected override Task<string?> TitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticIds.FieldKindKey, out string? kind) || kind != "string"
            || NodeAt<VariableDeclaratorSyntax>(root, diagnostic) is not { } variable
            || variable.Parent?.Parent is not FieldDeclarationSyntax field
            || !CanConvert(field))
            return Task.FromResult<string?>(null);
        return Task.FromResult<string?>($"Use a fixed char buffer: fixed char {variable.Identifier.ValueText}[{Length}]");
    }

    private static bool CanConvert(FieldDeclarationSyntax field) =>
        field.Declaration.Variables.All(v => v.Initializer is null)
        && !field.Modifiers.Any(SyntaxKind.StaticKeyword)
        && field.Parent is StructDeclarationSyntax container
        && !container.Modifiers.Any(SyntaxKind.ReadOnlyKeyword);

    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        List<FieldDeclarationSyntax> fields = NodesAt<VariableDeclaratorSyntax>(root, diagnostics)
            .Select(v => v.Parent?.Parent)
            .OfType<FieldDeclarationSyntax>()
            .Where(CanConvert)
            .Distinct()
            .ToList();
        var structs = fields.Select(f => (StructDeclarationSyntax)f.Parent!).Distinct().ToList();

        SyntaxNode fixedRoot = root.ReplaceNodes(structs, (original, _) =>
        {
            StructDeclarationSyntax rewritten = original.ReplaceNodes(
                fields.Where(f => f.Parent == original),
                (field, _) => ToFixedBuffer(field));
            bool alreadyUnsafe = original.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Any(t => t.Modifiers.Any(SyntaxKind.UnsafeKeyword));
            return alreadyUnsafe ? rewritten : Modifiers.Add(rewritten, SyntaxKind.UnsafeKeyword);
        });
        return document.WithSyntaxRoot(fixedRoot);
    }

    private static FieldDeclarationSyntax ToFixedBuffer(FieldDeclarationSyntax field)
    {
        // readonly is not allowed on a fixed buffer (and fixed buffers are already not assignable as a whole).
        SyntaxTokenList modifiers = TokenList(field.Modifiers.Where(m => !m.IsKind(SyntaxKind.ReadOnlyKeyword)));
        SyntaxToken fixedToken = Token(SyntaxKind.FixedKeyword).WithTrailingTrivia(Space);
        if (modifiers.Count == 0)
        {
            fixedToken = fixedToken.WithLeadingTrivia(field.GetLeadingTrivia());
            field = field.WithoutLeadingTrivia();
        }
        TypeSyntax charType = PredefinedType(Token(SyntaxKind.CharKeyword)).WithTriviaFrom(field.Declaration.Type);
        SeparatedSyntaxList<VariableDeclaratorSyntax> variables = SeparatedList(
            field.Declaration.Variables.Select(v => v.WithArgumentList(BracketedArgumentList(SingletonSeparatedList(
                Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(Length))))))),
            field.Declaration.Variables.GetSeparators());
        return field
            .WithModifiers(modifiers.Add(fixedToken))
            .WithDeclaration(field.Declaration.WithType(charType).WithVariables(variables));
    }
}
