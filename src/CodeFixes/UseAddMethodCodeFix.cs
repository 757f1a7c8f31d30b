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
/// SST0009 on an integer property with a generated AddX: <c>seg.X++</c>, <c>seg.X += n</c> and
/// <c>seg.X = seg.X + n</c> become <c>seg.AddX(…)</c>, one atomic update. For signed fields <c>--</c> and
/// <c>-= n</c> become <c>AddX(-1)</c> / <c>AddX(-n)</c>. Only for statements: where the old or new value is used,
/// the rewrite would have to reason about which one, so no fix is offered.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseAddMethodCodeFix)), Shared]
public sealed class UseAddMethodCodeFix : DocumentCodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TornUpdate);

    protected override string EquivalenceKey => DiagnosticIds.TornUpdate + ".AddX";

    protected override async Task<string?> TitleAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model is not null && Rewrite(root, model, diagnostic, cancellationToken) is { } rewrite
            ? $"Use {rewrite.Call.Expression} (atomic, lock-free)"
            : null;
    }

    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        var rewrites = diagnostics.Select(d => Rewrite(root, model, d, cancellationToken)).Where(r => r is not null).ToList();
        SyntaxNode fixedRoot = root.ReplaceNodes(
            rewrites.Select(r => r!.Value.Original),
            (original, _) => rewrites.First(r => r!.Value.Original == original)!.Value.Call.WithTriviaFrom(original));
        return document.WithSyntaxRoot(fixedRoot);
    }

    private static (ExpressionSyntax Original, InvocationExpressionSyntax Call)? Rewrite(
        SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticIds.AddMethodKey, out string? addName) || addName is null)
            return null;
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax expression
            || expression.Parent is not ExpressionStatementSyntax)
            return null;

        ExpressionSyntax? target;
        ExpressionSyntax? amount;
        bool negate = false;
        switch (expression)
        {
            case PostfixUnaryExpressionSyntax { Operand: var operand } postfix:
                target = operand;
                amount = One();
                negate = postfix.IsKind(SyntaxKind.PostDecrementExpression);
                break;
            case PrefixUnaryExpressionSyntax { Operand: var operand } prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                target = operand;
                amount = One();
                negate = prefix.IsKind(SyntaxKind.PreDecrementExpression);
                break;
            case AssignmentExpressionSyntax { Left: var left, Right: var right } assignment when assignment.IsKind(SyntaxKind.AddAssignmentExpression):
                target = left;
                amount = right;
                break;
            case AssignmentExpressionSyntax { Left: var left, Right: var right } assignment when assignment.IsKind(SyntaxKind.SubtractAssignmentExpression):
                target = left;
                amount = right;
                negate = true;
                break;
            case AssignmentExpressionSyntax { Left: var left, Right: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } sum } assignment
                when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                target = left;
                amount = SyntaxFactory.AreEquivalent(sum.Left, left) ? sum.Right
                    : SyntaxFactory.AreEquivalent(sum.Right, left) ? sum.Left
                    : null;
                break;
            default:
                return null;
        }
        if (target is not MemberAccessExpressionSyntax member || amount is null)
            return null;
        if (model.GetSymbolInfo(member, cancellationToken).Symbol is not IPropertySymbol property
            || property.ContainingType.GetMembers(addName).OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == 1) is not { } add)
            return null;
        bool signed = property.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;
        bool unsigned = property.Type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64;
        if (!signed && !unsigned || negate && !signed)
            return null;
        if (amount is not LiteralExpressionSyntax && !model.ClassifyConversion(amount, add.Parameters[0].Type).IsImplicit)
            return null;

        ExpressionSyntax argument = amount.WithoutTrivia();
        if (negate)
        {
            ExpressionSyntax operandOfMinus = argument is LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
                ? argument
                : ParenthesizedExpression(argument);
            argument = PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, operandOfMinus);
        }
        InvocationExpressionSyntax call = InvocationExpression(
            member.WithName(IdentifierName(addName)).WithoutTrivia(),
            ArgumentList(SingletonSeparatedList(Argument(argument))));
        return (expression, call);
    }

    private static LiteralExpressionSyntax One() => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1));
}
