using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>SST0011: a guard from <c>Lock</c> or <c>TryLock</c> that no <c>using</c> (or finally block) disposes.</summary>
internal static class GuardDisposalCheck
{
    public static void AnalyzeLock(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        SemanticModel? model = invocation.SemanticModel;
        if (model is null)
            return;
        SyntaxNode node = invocation.Syntax;
        while (node.Parent is ParenthesizedExpressionSyntax)
            node = node.Parent;
        string? use = null;
        switch (node.Parent)
        {
            case ExpressionStatementSyntax:
                use = "Discarded";
                break;
            case AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax } assignment when assignment.Right == node:
                IOperation? target = model.GetOperation(assignment.Left, context.CancellationToken);
                if (target is IDiscardOperation)
                    use = "Discarded";
                else if (target is ILocalReferenceOperation local && !IsDisposedLater(local.Local, node, model))
                    use = "Local";
                break;
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax statement } } declarator }:
                if (!statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                    && model.GetDeclaredSymbol(declarator, context.CancellationToken) is ILocalSymbol declared
                    && !IsDisposedLater(declared, node, model))
                    use = "LocalDeclaration";
                break;
        }
        if (use is null)
            return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.GuardUseKey, use);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.GuardNotDisposed, invocation.Syntax.GetLocation(), properties, invocation.TargetMethod.Name));
    }

    public static void AnalyzeTryLock(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        SemanticModel? model = invocation.SemanticModel;
        IArgumentOperation? outArgument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.RefKind == RefKind.Out);
        if (model is null || outArgument?.Syntax is not ArgumentSyntax argument)
            return;
        bool disposed;
        switch (GuardScopes.Strip(outArgument.Value))
        {
            case IDiscardOperation:
                disposed = false;
                break;
            case IDeclarationExpressionOperation { Expression: ILocalReferenceOperation local }:
                disposed = IsDisposedLater(local.Local, argument, model);
                break;
            case ILocalReferenceOperation local:
                disposed = IsDisposedLater(local.Local, argument, model);
                break;
            default:
                return;
        }
        if (disposed)
            return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.GuardUseKey, "OutArgument");
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.GuardNotDisposed, argument.GetLocation(), properties, invocation.TargetMethod.Name));
    }

    /// <summary>A 'using (g)', 'using var x = g;' or 'g.Dispose()' in a finally block, anywhere in the member.</summary>
    private static bool IsDisposedLater(ILocalSymbol local, SyntaxNode from, SemanticModel model)
    {
        SyntaxNode? body = from.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (body is null)
            return true;
        foreach (SyntaxNode node in body.DescendantNodes())
        {
            switch (node)
            {
                case UsingStatementSyntax { Expression: IdentifierNameSyntax resource } when Names(resource):
                    return true;
                case LocalDeclarationStatementSyntax statement when statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                    && statement.Declaration.Variables.Any(v => v.Initializer?.Value is IdentifierNameSyntax value && Names(value)):
                    return true;
                case UsingStatementSyntax { Declaration: { } declaration }
                    when declaration.Variables.Any(v => v.Initializer?.Value is IdentifierNameSyntax value && Names(value)):
                    return true;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Expression: IdentifierNameSyntax target } } call
                    when Names(target) && call.FirstAncestorOrSelf<FinallyClauseSyntax>() is not null:
                    return true;
            }
        }
        return false;

        bool Names(IdentifierNameSyntax identifier) =>
            identifier.Identifier.ValueText == local.Name
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier).Symbol, local);
    }
}
