using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStruct.Generator.Model;

/// <summary>
/// Turns an attributed struct into a <see cref="SegmentModel"/>, or null when the input is invalid: the analyzers
/// explain invalid input, so the generator stays silent rather than emitting code that cannot compile.
/// </summary>
internal static class ModelBuilder
{
    /// <summary>The struct statics the generator adds unless the struct already has a member of that name.</summary>
    public static readonly string[] StructStaticNames = { "Open", "CreateNew", "OpenExisting", "OpenReadOnly" };

    /// <summary>Member names of the generated segment class that a field's property must not take.</summary>
    public static readonly string[] ReservedNames =
    {
        "SegmentName", "Layout", "DefaultLockTimeout", "Open", "CreateNew", "OpenExisting", "OpenReadOnly",
        "Name", "IsCreator", "Location", "Segment", "Lock", "TryLock", "ReadSnapshot", "Flush", "Delete", "Dispose",
        "Version", "WaitForChange", "WaitForChangeAsync", "WatchAsync", "Update", "Read",
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals",
        "_segment",
    };

    private static readonly SymbolDisplayFormat QualifiedFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private static readonly SymbolDisplayFormat LayoutNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

    public static SegmentModel? Build(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length != 1)
            return null;
        if (!IsSupportedShape(type))
            return null;

        AttributeData attribute = context.Attributes[0];
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string segmentName)
            return null;
        if (SegmentNameRules.Check(segmentName) is not null)
            return null;
        int timeout = 1000;
        bool rollbackOnCrash = false;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == "RollbackOnCrash")
            {
                if (named.Value.Value is not bool on)
                    return null;
                rollbackOnCrash = on;
            }
            if (named.Key == "LockTimeoutMilliseconds")
            {
                if (named.Value.Value is not int value)
                    return null;
                timeout = value;
            }
        }
        if (timeout <= 0)
            return null;

        cancellationToken.ThrowIfCancellationRequested();
        if (!type.IsUnmanagedType)
            return null;
        var calculator = new LayoutCalculator();
        LayoutCalculator.StructLayoutResult? layout = calculator.ComputeStruct(type);
        if (layout is null || layout.Size > SegmentNameRules.MaxPayloadSize)
            return null;

        string description = Describe(type, layout);
        ulong fingerprint = Fingerprint(description);

        var containing = new List<ContainingTypeModel>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            containing.Insert(0, new ContainingTypeModel(Keyword(outer), outer.Name));

        var structStatics = new List<string>();
        foreach (string name in StructStaticNames)
        {
            if (type.GetMembers(name).IsEmpty)
                structStatics.Add(name);
        }

        string segmentClassName = type.Name + "Segment";
        string readOnlyClassName = type.Name + "ReadOnlySegment";
        var taken = new HashSet<string>(ReservedNames) { segmentClassName, readOnlyClassName };
        var structTaken = new HashSet<string>(System.StringComparer.Ordinal);
        var members = new List<MemberModel>();
        bool needsUnsafe = false;
        foreach (LayoutCalculator.FieldLayout field in layout.Fields)
        {
            MemberModel? member = BuildMember(field, taken);
            if (member is null)
                continue;
            member = WithStructHelpers(type, member, structTaken);
            needsUnsafe |= member.Kind != MemberKind.Value;
            members.Add(member);
        }

        string fullName = type.ToDisplayString(QualifiedFormat);
        string siblingPrefix = type.ContainingType is { } container
            ? container.ToDisplayString(QualifiedFormat) + "."
            : type.ContainingNamespace is { IsGlobalNamespace: false } containingNamespace
                ? "global::" + containingNamespace.ToDisplayString() + "."
                : "global::";
        string segmentFullName = siblingPrefix + Escape(segmentClassName);
        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        string hintName = type.ToDisplayString(LayoutNameFormat) + ".SharedSegment.g.cs";

        return new SegmentModel(
            hintName,
            ns,
            new EquatableArray<ContainingTypeModel>(containing.ToArray()),
            type.Name,
            type.IsRecord ? "record struct" : "struct",
            Accessibility(type.DeclaredAccessibility),
            fullName,
            segmentClassName,
            segmentFullName,
            segmentName,
            timeout,
            fingerprint,
            description,
            layout.Size,
            new EquatableArray<string>(structStatics.ToArray()),
            needsUnsafe,
            new EquatableArray<MemberModel>(members.ToArray()),
            readOnlyClassName,
            siblingPrefix + Escape(readOnlyClassName),
            layout.Size <= PayloadLimits.MaxByValueSize,
            rollbackOnCrash);
    }

    /// <summary>
    /// Names the struct's own helpers for a fixed buffer: <c>GetX()</c>/<c>SetX(string)</c> for <c>fixed char</c>,
    /// <c>XSpan</c>/<c>XReadOnlySpan</c> for others. A helper whose name the struct already has is skipped, like the statics.
    /// </summary>
    private static MemberModel WithStructHelpers(INamedTypeSymbol type, MemberModel member, HashSet<string> structTaken)
    {
        if (member.Kind == MemberKind.Value)
            return member;
        string baseName = member.FieldName.StartsWith("@", System.StringComparison.Ordinal) ? member.FieldName.Substring(1) : member.FieldName;
        string? Claim(string name) => type.GetMembers(name).IsEmpty && structTaken.Add(name) ? name : null;
        return member.Kind == MemberKind.FixedString
            ? member with { StructGetName = Claim("Get" + baseName), StructSetName = member.CanWrite ? Claim("Set" + baseName) : null }
            : member with { StructSpanName = member.CanWrite ? Claim(baseName + "Span") : null, StructReadOnlySpanName = Claim(baseName + "ReadOnlySpan") };
    }

    /// <summary>The bytes a segment header stores of a description (the runtime's <c>SegmentHeader.DescriptionCapacity</c>).</summary>
    private const int DescriptionCapacity = 8192 - 256;

    /// <summary>The canonical layout description (see docs/generator.md).</summary>
    public static string Describe(INamedTypeSymbol type, LayoutCalculator.StructLayoutResult layout)
    {
        var text = new StringBuilder();
        text.Append("sharedstruct-layout 1\n");
        text.Append("struct ").Append(type.ToDisplayString(LayoutNameFormat))
            .Append(" size=").Append(layout.Size.ToString(CultureInfo.InvariantCulture))
            .Append(" kind=").Append(layout.Kind)
            .Append(" pack=").Append(layout.Pack.ToString(CultureInfo.InvariantCulture));
        var enums = new StringBuilder();
        foreach (LayoutCalculator.FieldLayout field in layout.Fields)
        {
            string name = LayoutCalculator.LayoutName(field.Field);
            foreach (LayoutCalculator.Leaf leaf in field.Layout.Leaves)
            {
                text.Append("\nfield ").Append(name).Append(leaf.Suffix).Append(' ').Append(leaf.Type)
                    .Append(" offset=").Append((field.Offset + leaf.Offset).ToString(CultureInfo.InvariantCulture))
                    .Append(" size=").Append(leaf.Size.ToString(CultureInfo.InvariantCulture));
                if (leaf.Enum is not null)
                    enums.Append("\nenum ").Append(name).Append(leaf.Suffix).Append(' ').Append(leaf.Enum);
            }
        }
        // Enum member names are an annotation for tools, after the fields: not fingerprinted (a new member does not move
        // any byte), ignored with a note by tools that predate them, and left out when they would make the description
        // too long for the segment header, which would then store no description at all.
        if (enums.Length > 0 && Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(enums.ToString()) <= DescriptionCapacity)
            text.Append(enums);
        return text.ToString();
    }

    /// <summary>The runtime's <c>SegmentLayout.ComputeFingerprint</c>: the same linked source computes both.</summary>
    public static ulong Fingerprint(string description) => Format.LayoutFingerprint.Compute(description);

    private static MemberModel? BuildMember(LayoutCalculator.FieldLayout layout, HashSet<string> taken)
    {
        IFieldSymbol field = layout.Field;
        string accessName;
        bool canWrite;
        if (field.AssociatedSymbol is IPropertySymbol property)
        {
            if (!IsVisible(property.DeclaredAccessibility) || property.GetMethod is not { } getter || !IsVisible(getter.DeclaredAccessibility))
                return null;
            accessName = property.Name;
            canWrite = !field.IsReadOnly && property.SetMethod is { IsInitOnly: false } setter && IsVisible(setter.DeclaredAccessibility);
        }
        else
        {
            if (!IsVisible(field.DeclaredAccessibility) || field.IsImplicitlyDeclared)
                return null;
            accessName = field.Name;
            canWrite = !field.IsReadOnly;
        }

        MemberKind kind;
        string typeName;
        int length = 0;
        if (field.IsFixedSizeBuffer)
        {
            ITypeSymbol element = ((IPointerTypeSymbol)field.Type).PointedAtType;
            kind = element.SpecialType == SpecialType.System_Char ? MemberKind.FixedString : MemberKind.FixedBuffer;
            typeName = element.ToDisplayString(QualifiedFormat);
            length = field.FixedSize;
        }
        else
        {
            // A by-value property of a field of megabytes would overflow the stack, as a by-value snapshot would.
            if (layout.Layout.Size > PayloadLimits.MaxByValueSize)
                return null;
            kind = MemberKind.Value;
            typeName = field.Type.ToDisplayString(QualifiedFormat);
        }

        string? interlocked = null;
        if (kind == MemberKind.Value && canWrite && field.AssociatedSymbol is null && layout.Offset % layout.Layout.Size == 0)
        {
            interlocked = field.Type.SpecialType switch
            {
                SpecialType.System_Int32 => "int",
                SpecialType.System_UInt32 => "uint",
                SpecialType.System_Int64 => "long",
                SpecialType.System_UInt64 => "ulong",
                _ => null,
            };
        }

        string layoutType = layout.Layout.Leaves.Count == 1 && layout.Layout.Leaves[0].Suffix.Length == 0
            ? layout.Layout.Leaves[0].Type
            : "struct";

        // A name is free when the property and every helper it brings are free; otherwise append "Field", "Field2", ...
        string baseName = accessName.StartsWith("@", System.StringComparison.Ordinal) ? accessName.Substring(1) : accessName;
        string candidate = baseName;
        for (int attempt = 1; ; attempt++)
        {
            var model = new MemberModel(kind, accessName, candidate, typeName, length, canWrite, interlocked, layout.Offset, layout.Layout.Size, layoutType, field.IsVolatile);
            List<string> names = Names(model);
            if (!names.Exists(taken.Contains))
            {
                foreach (string name in names)
                    taken.Add(name);
                return model;
            }
            candidate = attempt == 1 ? baseName + "Field" : baseName + "Field" + attempt.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static List<string> Names(MemberModel model)
    {
        var names = new List<string>();
        if (model.Kind == MemberKind.FixedBuffer)
        {
            names.Add(model.ReadName);
            names.Add(model.WriteName);
        }
        else
        {
            names.Add(model.PropertyName);
        }
        if (model.InterlockedType is not null)
        {
            names.Add(model.AddName);
            names.Add(model.ExchangeName);
            names.Add(model.CompareExchangeName);
        }
        return names;
    }

    /// <summary>Prefixes C# keywords with '@' so they can be used as identifiers.</summary>
    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

    private static bool IsVisible(Microsoft.CodeAnalysis.Accessibility accessibility) =>
        accessibility is Microsoft.CodeAnalysis.Accessibility.Public or Microsoft.CodeAnalysis.Accessibility.Internal;

    private static bool IsSupportedShape(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Struct || type.IsRefLikeType || type.IsGenericType || type.IsFileLocal)
            return false;
        if (!AllDeclarationsPartial(type))
            return false;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType || outer.IsFileLocal || !AllDeclarationsPartial(outer))
                return false;
        }
        return true;
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

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static string Accessibility(Microsoft.CodeAnalysis.Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Private => "private",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };
}
