using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Analyzers.Model;

namespace SharedStruct.Analyzers.Declarations;

/// <summary>
/// Checks every [SharedSegment] struct: its declaration, its name, its fields and its layout. These are the rules the
/// generator relies on: on invalid input it emits nothing, and one of these diagnostics says why.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedSegmentDeclarationAnalyzer : DiagnosticAnalyzer
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NotPartialStruct,
        DiagnosticDescriptors.NonBlittableField,
        DiagnosticDescriptors.PerProcessValue,
        DiagnosticDescriptors.RuntimeDependentLayout,
        DiagnosticDescriptors.NonPortableFieldType,
        DiagnosticDescriptors.InvalidSegmentName,
        DiagnosticDescriptors.DuplicateSegmentName,
        DiagnosticDescriptors.EmptyOrOversizedStruct,
        DiagnosticDescriptors.NoLockTimeout);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { } known)
                return;
            var names = new ConcurrentBag<NamedSegment>();
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known, names), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => ReportDuplicates(end, names));
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, ConcurrentBag<NamedSegment> names)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AttributeData? attribute = KnownSymbols.FindAttribute(type, known.SharedSegmentAttribute);
        if (attribute is null)
            return;

        CheckDeclaration(context, type);
        CheckAttribute(context, type, attribute, names);
        if (type.TypeKind != TypeKind.Struct)
            return;

        var layouts = new LayoutCalculator(known);
        CheckFields(context, type, layouts);
        CheckOwnLayout(context, type, layouts);
    }

    // ---------------------------------------------------------------- SST0001

    private static void CheckDeclaration(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        string? reason = null;
        string reasonKind = NotPartialReasons.Other;
        if (type.TypeKind != TypeKind.Struct)
            reason = type.IsRecord ? "is a record class" : "is a class";
        else if (type.IsRefLikeType)
            reason = "is a ref struct, which cannot live in shared memory";
        else if (type.TypeParameters.Length > 0)
            reason = "is generic";
        else if (!IsPartial(type))
        {
            reason = "is not partial";
            reasonKind = NotPartialReasons.NotPartial;
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
                if (!IsPartial(outer))
                {
                    reason = $"is nested in '{outer.ToDisplayString(TypeFormat)}', which is not partial";
                    reasonKind = NotPartialReasons.ContainingTypeNotPartial;
                    break;
                }
            }
        }
        if (reason is null)
            return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.ReasonKey, reasonKind);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NotPartialStruct, type.Locations[0], properties, type.Name, reason));
    }

    private static bool IsPartial(INamedTypeSymbol type)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- SST0006, SST0007, SST0012 (attribute)

    private static void CheckAttribute(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, ConcurrentBag<NamedSegment> names)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
        if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind != TypedConstantKind.Error)
        {
            string? name = attribute.ConstructorArguments[0].Value as string;
            Location location = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null)?.Expression.GetLocation()
                ?? syntax?.GetLocation()
                ?? type.Locations[0];
            if (SegmentNameRules.Check(name) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidSegmentName, location, name ?? "", problem));
            }
            else
            {
                names.Add(new NamedSegment(name!, type, location));
            }
        }

        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key != "LockTimeoutMilliseconds" || named.Value.Value is not int ms || ms > 0)
                continue;
            string what = ms switch
            {
                -1 => "is -1 ms (Timeout.Infinite), so a stuck holder blocks every access forever",
                0 => "is 0 ms, so every access that meets a holder throws TimeoutException at once",
                _ => $"is {ms} ms, which the runtime rejects",
            };
            Location location = syntax?.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "LockTimeoutMilliseconds")?.Expression.GetLocation()
                ?? type.Locations[0];
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.TimeoutSiteKey, "Attribute");
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.NoLockTimeout, location, properties,
                $"[SharedSegment] on {type.Name}", what, "1000 (the default)"));
        }
    }

    private static void ReportDuplicates(CompilationAnalysisContext context, ConcurrentBag<NamedSegment> names)
    {
        foreach (IGrouping<string, NamedSegment> group in names.GroupBy(n => n.Name))
        {
            NamedSegment[] all = group.OrderBy(n => n.Type.ToDisplayString(), System.StringComparer.Ordinal).ToArray();
            if (all.Length < 2)
                continue;
            foreach (NamedSegment segment in all)
            {
                NamedSegment other = all.First(o => !ReferenceEquals(o, segment));
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateSegmentName, segment.Location,
                    segment.Name, segment.Type.ToDisplayString(), other.Type.ToDisplayString()));
            }
        }
    }

    private sealed class NamedSegment
    {
        public NamedSegment(string name, INamedTypeSymbol type, Location location)
        {
            Name = name;
            Type = type;
            Location = location;
        }

        public string Name { get; }
        public INamedTypeSymbol Type { get; }
        public Location Location { get; }
    }

    // ---------------------------------------------------------------- SST0002, SST0003, SST0004 (nested), SST0005, SST0008

    private static void CheckFields(SymbolAnalysisContext context, INamedTypeSymbol type, LayoutCalculator layouts)
    {
        bool any = false;
        bool allBlittable = true;
        foreach (IFieldSymbol field in LayoutCalculator.InstanceFields(type))
        {
            any = true;
            string name = DisplayName(field);
            Location location = FieldLocation(field);
            if (!field.Type.IsUnmanagedType)
            {
                allBlittable = false;
                var properties = ImmutableDictionary<string, string?>.Empty.Add(
                    DiagnosticIds.FieldKindKey, field.Type.SpecialType == SpecialType.System_String && !field.IsImplicitlyDeclared ? "string" : "other");
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.NonBlittableField, location, properties,
                    name, field.Type.ToDisplayString(TypeFormat), NonBlittableAdvice(field.Type, name)));
                continue;
            }
            if (field.IsFixedSizeBuffer)
                continue; // fixed buffers hold only primitives, and bool/char are fine there
            var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            VisitValue(context, layouts, field.Type, name, location, elementOfInlineArray: false, seen, depth: 0);
        }

        if (!any)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.EmptyOrOversizedStruct, type.Locations[0], type.Name,
                "has no instance fields, so its segment would hold no data; add the fields the processes share"));
        }
        else if (allBlittable && layouts.Of(type) is { } layout && layout.Size > SegmentNameRules.MaxPayloadSize)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.EmptyOrOversizedStruct, type.Locations[0], type.Name,
                $"is {layout.Size} bytes, more than the {SegmentNameRules.MaxPayloadSize}-byte (1 GiB) limit of a segment; shrink its buffers or split it into several segments"));
        }
    }

    /// <summary>Walks a blittable field's type (and the fields of nested structs) for per-process and non-portable values.</summary>
    private static void VisitValue(SymbolAnalysisContext context, LayoutCalculator layouts, ITypeSymbol type, string path,
        Location location, bool elementOfInlineArray, HashSet<ITypeSymbol> seen, int depth)
    {
        string typeName = type.ToDisplayString(TypeFormat);
        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol
            || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PerProcessValue, location, path, typeName));
            return;
        }
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonPortableFieldType, location, path, typeName,
                    "C and C++ disagree on the size of bool and only 0 and 1 are valid; if programs outside .NET read the segment, use a byte holding 0 or 1"));
                return;
            case SpecialType.System_Char:
                if (!elementOfInlineArray)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonPortableFieldType, location, path, typeName,
                        "a char is a 2-byte UTF-16 code unit, not a C char; for text use a fixed char buffer, for a code unit use ushort"));
                }
                return;
            case SpecialType.System_Decimal:
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonPortableFieldType, location, path, typeName,
                    "the 16-byte layout of decimal is a .NET implementation detail; if programs outside .NET read the segment, store a scaled long or a double"));
                return;
        }
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Struct } named || named.SpecialType != SpecialType.None
            || depth > 8 || !seen.Add(named))
            return;

        if (named.IsTupleType || named.OriginalDefinition.ToDisplayString().StartsWith("System.ValueTuple<", System.StringComparison.Ordinal))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeDependentLayout, location, path,
                $"its type '{typeName}' is a ValueTuple, which has LayoutKind.Auto; declare a small sequential struct instead"));
            return;
        }
        StructLayoutInfo info = layouts.LayoutInfo(named);
        if (info.Kind == StructLayoutInfo.Auto)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeDependentLayout, location, path,
                $"its type '{typeName}' is declared with LayoutKind.Auto, so the runtime may order its fields differently; use LayoutKind.Sequential"));
        }
        bool inline = layouts.InlineArrayLength(named) is not null;
        foreach (IFieldSymbol nested in LayoutCalculator.InstanceFields(named))
        {
            if (nested.IsFixedSizeBuffer)
                continue;
            string nestedPath = inline ? path + "[]" : path + "." + DisplayName(nested);
            VisitValue(context, layouts, nested.Type, nestedPath, location, inline, seen, depth + 1);
        }
    }

    private static string NonBlittableAdvice(ITypeSymbol type, string name)
    {
        const string heap = "is a reference into one process's heap";
        switch (type)
        {
            case { SpecialType: SpecialType.System_String }:
                return $"a string {heap}; use a fixed char buffer (fixed char {name}[N]) or an [InlineArray] struct of char";
            case IArrayTypeSymbol array:
                string element = array.ElementType.ToDisplayString(TypeFormat);
                return IsFixedBufferElement(array.ElementType)
                    ? $"an array {heap}; use a fixed buffer (fixed {element} {name}[N]) or an [InlineArray] struct of {element}"
                    : $"an array {heap}; use an [InlineArray] struct of {element}";
            case INamedTypeSymbol { TypeKind: TypeKind.Struct } managedStruct:
                string? inner = FirstManagedField(managedStruct, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));
                return inner is null
                    ? $"'{managedStruct.ToDisplayString(TypeFormat)}' is not an unmanaged struct; make every field of it unmanaged"
                    : $"'{managedStruct.ToDisplayString(TypeFormat)}' contains the reference field '{inner}'; make every field of it unmanaged (no strings, arrays or classes)";
            case ITypeParameterSymbol:
                return "a type parameter may be a reference type; use a concrete unmanaged type";
            default:
                string kind = type.TypeKind switch
                {
                    TypeKind.Interface => "an interface",
                    TypeKind.Delegate => "a delegate",
                    _ => "an object",
                };
                return $"{kind} {heap}; store the data itself as unmanaged fields, or an index or ID every process can resolve";
        }
    }

    private static string? FirstManagedField(INamedTypeSymbol type, HashSet<ITypeSymbol> seen)
    {
        if (!seen.Add(type))
            return null;
        foreach (IFieldSymbol field in LayoutCalculator.InstanceFields(type))
        {
            if (field.Type.IsUnmanagedType)
                continue;
            if (field.Type is INamedTypeSymbol { TypeKind: TypeKind.Struct } nested && FirstManagedField(nested, seen) is { } deeper)
                return DisplayName(field) + "." + deeper;
            return DisplayName(field);
        }
        return null;
    }

    private static bool IsFixedBufferElement(ITypeSymbol type) => type.SpecialType is
        SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Char or
        SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or
        SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double;

    /// <summary>The name a reader knows: the property for an auto-property's backing field.</summary>
    private static string DisplayName(IFieldSymbol field) =>
        field.AssociatedSymbol is IPropertySymbol property ? property.Name : field.Name;

    private static Location FieldLocation(IFieldSymbol field)
    {
        if (field.AssociatedSymbol is { } associated && associated.Locations.Length > 0)
            return associated.Locations[0];
        return field.Locations.Length > 0 ? field.Locations[0] : Location.None;
    }

    // ---------------------------------------------------------------- SST0004 (the struct itself)

    private static void CheckOwnLayout(SymbolAnalysisContext context, INamedTypeSymbol type, LayoutCalculator layouts)
    {
        StructLayoutInfo info = layouts.LayoutInfo(type);
        if (info.Kind == StructLayoutInfo.Auto)
        {
            Location location = info.Attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeDependentLayout, location, type.Name,
                "it is declared with LayoutKind.Auto, so the runtime (and its version) chooses the field order; use LayoutKind.Sequential"));
            return;
        }
        if (info.Kind != StructLayoutInfo.Explicit)
            return;

        var placed = new List<(IFieldSymbol Field, long Start, long End)>();
        foreach (IFieldSymbol field in LayoutCalculator.InstanceFields(type))
        {
            if (layouts.FieldOffset(field) is not { } offset || layouts.OfField(field) is not { } layout)
                continue;
            long end = offset + layout.Size;
            foreach ((IFieldSymbol other, long start, long otherEnd) in placed)
            {
                if (offset < otherEnd && start < end)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeDependentLayout, FieldLocation(field),
                        DisplayName(field),
                        $"it overlaps field '{DisplayName(other)}' (bytes {offset}..{end - 1} and {start}..{otherEnd - 1}), so writing one corrupts the other; give each field its own bytes"));
                    break;
                }
            }
            placed.Add((field, offset, end));
        }
    }
}
