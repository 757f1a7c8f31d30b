using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStruct.CodeFixes.Syntax;

internal static class Modifiers
{
    /// <summary>
    /// Adds <paramref name="kind"/> to a type's modifiers, before 'partial' (which must stay last), keeping the
    /// declaration's leading trivia (comments, attributes' line breaks) where it was.
    /// </summary>
    public static TypeDeclarationSyntax Add(TypeDeclarationSyntax declaration, SyntaxKind kind)
    {
        if (declaration.Modifiers.Any(kind))
            return declaration;
        SyntaxTokenList modifiers = declaration.Modifiers;
        if (modifiers.Count == 0)
        {
            SyntaxToken keyword = declaration.Keyword;
            SyntaxToken first = SyntaxFactory.Token(keyword.LeadingTrivia, kind, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia())
                .WithModifiers(SyntaxFactory.TokenList(first));
        }
        SyntaxToken token = SyntaxFactory.Token(kind).WithTrailingTrivia(SyntaxFactory.Space);
        int partialIndex = modifiers.IndexOf(SyntaxKind.PartialKeyword);
        if (partialIndex == 0)
        {
            // Move the leading trivia from 'partial' to the new first modifier.
            SyntaxToken partial = modifiers[0];
            token = token.WithLeadingTrivia(partial.LeadingTrivia);
            modifiers = modifiers.Replace(partial, partial.WithLeadingTrivia());
            return declaration.WithModifiers(modifiers.Insert(0, token));
        }
        return declaration.WithModifiers(partialIndex > 0 ? modifiers.Insert(partialIndex, token) : modifiers.Add(token));
    }
}
