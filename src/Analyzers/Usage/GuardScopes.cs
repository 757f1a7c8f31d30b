using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStruct.Analyzers.Usage;

/// <summary>
/// Answers "which segment does this expression denote" and "is a guard from that segment held here". A guard is held
/// inside the body of <c>using (… seg.Lock() …)</c>, after <c>using var g = seg.Lock();</c> in an enclosing block,
/// inside <c>using (g)</c> for a guard <c>g</c> from <c>seg.TryLock(…, out g)</c>, and inside the try block of a
/// try/finally whose finally disposes such a guard. The search stops at lambdas and local functions, which may run
/// after the guard is gone.
/// </summary>
internal sealed class GuardScopes
{
    private readonly KnownSymbols _known;

    public GuardScopes(KnownSymbols known) => _known = known;

    /// <summary>Lock-capable types: SharedSegment&lt;T&gt; and generated &lt;Struct&gt;Segment classes.</summary>
    public bool IsLockable(ITypeSymbol? type) => _known.IsSharedSegmentOfT(type) || _known.IsGeneratedSegment(type);

    /// <summary>
    /// The symbol (local, parameter, field or property) naming the segment an expression denotes, or null when it
    /// is something else (a call, an element access). <c>x.Segment</c> of a generated class denotes <c>x</c>.
    /// </summary>
    public ISymbol? KeyOf(IOperation? receiver)
    {
        receiver = Strip(receiver);
        switch (receiver)
        {
            case IPropertyReferenceOperation { Property.Name: "Segment", Instance: { } instance } segment
                when _known.IsGeneratedSegment(segment.Property.ContainingType):
                return KeyOf(instance);
            case ILocalReferenceOperation local:
                return local.Local;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter;
            case IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation:
                return field.Field;
            case IPropertyReferenceOperation property when property.Arguments.Length == 0 && property.Instance is null or IInstanceReferenceOperation:
                return property.Property;
            default:
                return null;
        }
    }

    public static IOperation? Strip(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>
    /// Whether a guard is held at <paramref name="operation"/>. With <paramref name="exact"/>, only a guard whose
    /// segment is known and equals <paramref name="key"/> counts; otherwise any guard whose segment is unknown, or
    /// any guard at all when <paramref name="key"/> is null, counts too (so unknown cases do not raise warnings).
    /// </summary>
    public bool IsHeld(IOperation operation, ISymbol? key, bool exact)
    {
        SemanticModel? model = operation.SemanticModel;
        if (model is null)
            return false;
        SyntaxNode child = operation.Syntax;
        for (SyntaxNode? parent = child.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case UsingStatementSyntax usingStatement when child == usingStatement.Statement:
                    if (usingStatement.Expression is { } resource && Matches(AcquiredBy(resource, model), key, exact))
                        return true;
                    if (usingStatement.Declaration is { } declaration && declaration.Variables.Any(v =>
                            v.Initializer is { } init && Matches(AcquiredBy(init.Value, model), key, exact)))
                        return true;
                    break;
                case BlockSyntax block:
                    if (UsingDeclarationBefore(block.Statements, child, model, key, exact))
                        return true;
                    break;
                case SwitchSectionSyntax section:
                    if (UsingDeclarationBefore(section.Statements, child, model, key, exact))
                        return true;
                    break;
                case TryStatementSyntax { Finally: { } @finally } tryStatement when child == tryStatement.Block:
                    foreach (InvocationExpressionSyntax call in @finally.DescendantNodes().OfType<InvocationExpressionSyntax>())
                    {
                        if (call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Expression: IdentifierNameSyntax target }
                            && Matches(AcquiredBy(target, model), key, exact))
                            return true;
                    }
                    break;
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                case MemberDeclarationSyntax:
                    return false;
            }
        }
        return false;
    }

    private bool UsingDeclarationBefore(SyntaxList<StatementSyntax> statements, SyntaxNode child, SemanticModel model, ISymbol? key, bool exact)
    {
        foreach (StatementSyntax statement in statements)
        {
            if (statement == child)
                break;
            if (statement is LocalDeclarationStatementSyntax declaration
                && declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                && declaration.Declaration.Variables.Any(v => v.Initializer is { } init && Matches(AcquiredBy(init.Value, model), key, exact)))
                return true;
        }
        return false;
    }

    private static bool Matches(Acquisition acquisition, ISymbol? key, bool exact)
    {
        if (!acquisition.IsGuard)
            return false;
        if (exact)
            return key is not null && SymbolEqualityComparer.Default.Equals(acquisition.Segment, key);
        return key is null || acquisition.Segment is null || SymbolEqualityComparer.Default.Equals(acquisition.Segment, key);
    }

    /// <summary>What an expression that holds a guard acquired it from: a Lock call, or a local set by Lock/TryLock.</summary>
    private Acquisition AcquiredBy(ExpressionSyntax expression, SemanticModel model)
    {
        IOperation? operation = Strip(model.GetOperation(expression));
        if (operation is IInvocationOperation invocation)
            return FromCall(invocation);
        if (operation is ILocalReferenceOperation local && _known.IsSegmentGuard(local.Local.Type))
            return OriginOf(local.Local, expression, model);
        return default;
    }

    private Acquisition FromCall(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name is "Lock" or "TryLock" && IsLockable(invocation.TargetMethod.ContainingType)
            ? new Acquisition(true, KeyOf(invocation.Instance))
            : default;

    private Acquisition OriginOf(ILocalSymbol local, SyntaxNode use, SemanticModel model)
    {
        SyntaxNode? body = use.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (body is null)
            return default;
        foreach (SyntaxNode node in body.DescendantNodes())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax { Initializer: { } init } declarator
                    when SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator), local):
                    return Strip(model.GetOperation(init.Value)) is IInvocationOperation lockCall ? FromCall(lockCall) : default;
                case ArgumentSyntax argument when argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword)
                                                  && IsLocal(argument.Expression, local, model)
                                                  && argument.Parent?.Parent is InvocationExpressionSyntax tryLock:
                    return Strip(model.GetOperation(tryLock)) is IInvocationOperation tryLockCall ? FromCall(tryLockCall) : default;
            }
        }
        return default;
    }

    /// <summary>Whether <paramref name="expression"/> (an out argument) declares or names <paramref name="local"/>.</summary>
    public static bool IsLocal(ExpressionSyntax expression, ILocalSymbol local, SemanticModel model) => expression switch
    {
        DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax designation } =>
            SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(designation), local),
        IdentifierNameSyntax identifier => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier).Symbol, local),
        _ => false,
    };

    private readonly struct Acquisition
    {
        public Acquisition(bool isGuard, ISymbol? segment)
        {
            IsGuard = isGuard;
            Segment = segment;
        }

        public bool IsGuard { get; }
        public ISymbol? Segment { get; }
    }
}
