using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

using SharedStruct.Format;
using SharedStruct.Generator.Emit;
using SharedStruct.Generator.Model;
using SharedStruct.Layout;

namespace SharedStruct.Generator.Parsing;

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

        // The rules the analyzers report: any rejection means no code, and an error that says why.
        SegmentCheck check = SegmentRules.Check(type, context.Attributes[0], new LayoutEngine());
        if (!check.IsValid)
            return null;
        // The declared mode; the attribute's property is a bool, so any other value does not compile.
        bool rollbackOnCrash = false;
        foreach (KeyValuePair<string, TypedConstant> named in context.Attributes[0].NamedArguments)
        {
            if (named.Key == "RollbackOnCrash" && named.Value.Value is bool on)
                rollbackOnCrash = on;
        }
        cancellationToken.ThrowIfCancellationRequested();
        StructLayoutResult layout = check.Layout!;
        string segmentName = check.SegmentName!;
        int timeout = check.LockTimeoutMilliseconds;

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
        foreach (FieldLayout field in layout.Fields)
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
        string segmentFullName = siblingPrefix + Identifiers.Escape(segmentClassName);
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
            (int)layout.Size,
            new EquatableArray<string>(structStatics.ToArray()),
            needsUnsafe,
            new EquatableArray<MemberModel>(members.ToArray()),
            readOnlyClassName,
            siblingPrefix + Identifiers.Escape(readOnlyClassName),
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
    public static string Describe(INamedTypeSymbol type, StructLayoutResult layout)
    {
        var text = new StringBuilder();
        text.Append(LayoutFormat.VersionLine).Append('\n');
        text.Append(LayoutFormat.Struct).Append(' ').Append(type.ToDisplayString(LayoutNameFormat));
        AppendKey(text, LayoutFormat.Size, layout.Size.ToString(CultureInfo.InvariantCulture));
        AppendKey(text, LayoutFormat.Kind, layout.Kind);
        AppendKey(text, LayoutFormat.Pack, layout.Pack.ToString(CultureInfo.InvariantCulture));
        var enums = new StringBuilder();
        foreach (FieldLayout field in layout.Fields)
        {
            string name = LayoutAttributes.Name(field.Field);
            foreach (Leaf leaf in field.Layout.Leaves)
            {
                text.Append('\n').Append(LayoutFormat.Field).Append(' ').Append(name).Append(leaf.Suffix).Append(' ').Append(leaf.Type);
                AppendKey(text, LayoutFormat.Offset, (field.Offset + leaf.Offset).ToString(CultureInfo.InvariantCulture));
                AppendKey(text, LayoutFormat.Size, leaf.Size.ToString(CultureInfo.InvariantCulture));
                if (leaf.Enum is not null)
                    enums.Append('\n').Append(LayoutFormat.Enum).Append(' ').Append(name).Append(leaf.Suffix).Append(' ').Append(leaf.Enum);
            }
        }
        // Enum member names are an annotation for tools, after the fields: not fingerprinted (a new member does not move
        // any byte), ignored with a note by tools that predate them, and left out when they would make the description
        // too long for the segment header, which would then store no description at all.
        if (enums.Length > 0 && Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(enums.ToString()) <= DescriptionCapacity)
            text.Append(enums);
        return text.ToString();
    }

    private static void AppendKey(StringBuilder text, string key, string value) =>
        text.Append(' ').Append(key).Append('=').Append(value);

    /// <summary>The runtime's <c>SegmentLayout.ComputeFingerprint</c>: the same linked source computes both.</summary>
    public static ulong Fingerprint(string description) => Format.LayoutFingerprint.Compute(description);

    private static MemberModel? BuildMember(FieldLayout layout, HashSet<string> taken)
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
            var model = new MemberModel(kind, accessName, candidate, typeName, length, canWrite, interlocked, (int)layout.Offset, (int)layout.Layout.Size, layoutType, field.IsVolatile);
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

    private static bool IsVisible(Microsoft.CodeAnalysis.Accessibility accessibility) =>
        accessibility is Microsoft.CodeAnalysis.Accessibility.Public or Microsoft.CodeAnalysis.Accessibility.Internal;

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
