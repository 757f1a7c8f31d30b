using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStruct.Layout;

/// <summary>What <see cref="SegmentRules.Check"/> found for one <c>[SharedSegment]</c> type.</summary>
/// <param name="Rejections">Every reason the type gets no code; empty when it is valid.</param>
/// <param name="Layout">The payload layout; null when the layout could not be computed (or was not attempted).</param>
/// <param name="SegmentName">The name from the attribute, when it is a constant string.</param>
/// <param name="LockTimeoutMilliseconds">The attribute's <c>LockTimeoutMilliseconds</c> (1000 when unset).</param>
internal sealed record SegmentCheck(IReadOnlyList<Rejection> Rejections, StructLayoutResult? Layout, string? SegmentName, int LockTimeoutMilliseconds)
{
    /// <summary>The generator emits code exactly for valid types.</summary>
    public bool IsValid => Rejections.Count == 0 && Layout is not null;
}

/// <summary>
/// Every rule a <c>[SharedSegment]</c> type must meet for the generator to emit code: its declaration, its attribute
/// and its layout (<see cref="LayoutEngine"/>). The generator emits nothing when any rule fails, the analyzers turn
/// each failure into an Error diagnostic; both call this one method, so they cannot disagree.
/// </summary>
internal static class SegmentRules
{
    /// <summary>The default lock timeout (the runtime's <c>SharedSegmentAttribute.DefaultLockTimeoutMilliseconds</c>).</summary>
    public const int DefaultLockTimeoutMilliseconds = 1000;

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    public static SegmentCheck Check(INamedTypeSymbol type, AttributeData attribute, LayoutEngine engine)
    {
        var rejections = new List<Rejection>();
        CheckDeclaration(type, rejections);
        (string? name, int timeout) = CheckAttribute(attribute, rejections);

        StructLayoutResult? layout = null;
        bool layoutApplies = type.TypeKind == TypeKind.Struct && !type.IsRefLikeType && type.TypeParameters.Length == 0;
        if (layoutApplies)
        {
            bool any = false;
            foreach (IFieldSymbol _ in LayoutAttributes.InstanceFields(type))
            {
                any = true;
                break;
            }
            if (!any)
            {
                rejections.Add(new Rejection(RejectionKind.EmptyOrOversized, null, type.Name, type,
                    "has no instance fields, so its segment would hold no data; add the fields the processes share"));
            }
            else
            {
                layout = engine.ComputeStruct(type, rejections);
                if (layout is not null && layout.Size > SegmentNameRules.MaxPayloadSize)
                {
                    rejections.Add(new Rejection(RejectionKind.EmptyOrOversized, null, type.Name, type,
                        $"is {layout.Size} bytes, more than the {SegmentNameRules.MaxPayloadSize}-byte (1 GiB) limit of a segment; shrink its buffers or split it into several segments"));
                }
            }
        }
        return new SegmentCheck(rejections, layout, name, timeout);
    }

    private static void CheckDeclaration(INamedTypeSymbol type, List<Rejection> rejections)
    {
        string? reason = null;
        string tag = "Other";
        if (type.TypeKind != TypeKind.Struct)
            reason = type.IsRecord ? "is a record class" : "is a class";
        else if (type.IsRefLikeType)
            reason = "is a ref struct, which cannot live in shared memory";
        else if (type.TypeParameters.Length > 0)
            reason = "is generic";
        else if (type.IsFileLocal)
            reason = "is a file-local type, which generated code in another file cannot extend";
        else if (!AllDeclarationsPartial(type))
        {
            reason = "is not partial";
            tag = "NotPartial";
        }
        else
        {
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (outer.TypeParameters.Length > 0)
                {
                    reason = $"is nested in the generic type '{outer.ToDisplayString(TypeFormat)}'";
                    break;
                }
                if (outer.IsFileLocal)
                {
                    reason = $"is nested in the file-local type '{outer.ToDisplayString(TypeFormat)}'";
                    break;
                }
                if (!AllDeclarationsPartial(outer))
                {
                    reason = $"is nested in '{outer.ToDisplayString(TypeFormat)}', which is not partial";
                    tag = "ContainingTypeNotPartial";
                    break;
                }
            }
        }
        if (reason is not null)
            rejections.Add(new Rejection(RejectionKind.Declaration, null, type.Name, type, reason, tag));
    }

    private static (string? Name, int Timeout) CheckAttribute(AttributeData attribute, List<Rejection> rejections)
    {
        string? name = null;
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
        {
            rejections.Add(new Rejection(RejectionKind.CompilerError, null, "", null, "the attribute's name argument does not compile"));
        }
        else
        {
            name = attribute.ConstructorArguments[0].Value as string;
            if (SegmentNameRules.Check(name) is { } problem)
                rejections.Add(new Rejection(RejectionKind.InvalidName, null, name ?? "", null, problem));
        }

        // Any int compiles to a working DefaultLockTimeout or to one the runtime rejects when the segment is opened;
        // neither stops the generator. SST0012 warns about both.
        int timeout = DefaultLockTimeoutMilliseconds;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key != "LockTimeoutMilliseconds")
                continue;
            if (named.Value.Value is int value)
                timeout = value;
            else
                rejections.Add(new Rejection(RejectionKind.CompilerError, null, "", null, "LockTimeoutMilliseconds does not compile"));
        }
        return (name, timeout);
    }

    private static bool AllDeclarationsPartial(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.IsEmpty)
            return false;
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax declaration || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                return false;
        }
        return true;
    }
}
