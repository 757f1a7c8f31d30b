using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using SharedStruct.Format;

namespace SharedStruct.Layout;

/// <summary>
/// Computes, at compile time, the layout the CLR gives an unmanaged struct: sequential with natural alignment (capped
/// by <c>Pack</c>), explicit <c>FieldOffset</c>s, a minimum <c>Size</c>, fixed buffers, inline arrays, enums, nested
/// structs, <c>Nullable&lt;T&gt;</c> and the core-library types of <see cref="LayoutTypes"/>. Anything whose layout
/// cannot be known here comes back as a problem that says why, never as a silent null: the generator emits code
/// exactly when there is none, and the analyzers report each one.
/// </summary>
/// <remarks>Linked into SharedStruct.Generator and SharedStruct.Analyzers, so the two cannot disagree.</remarks>
internal sealed class LayoutEngine
{
    /// <summary>Structs nested deeper than this are refused rather than walked.</summary>
    public const int MaxDepth = 32;

    /// <summary>Enums with more members than this get no <c>enum</c> line: the description must fit the segment header.</summary>
    public const int MaxEnumMembers = 64;

    // Without an explicit Pack the runtime aligns every field naturally: CoreCLR's default packing is 32, above any
    // alignment here. Only Int128/UInt128 (16) tell this apart from the C# documentation's "8".
    private const int DefaultPack = 32;

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    private readonly Dictionary<ITypeSymbol, Outcome> _cache = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ITypeSymbol> _inProgress = new(SymbolEqualityComparer.Default);

    /// <summary>A problem found below a type: <see cref="Suffix"/> is the path from that type (<c>""</c>, <c>.Inner.X</c>, <c>[]</c>).</summary>
    private readonly record struct Problem(RejectionKind Kind, string Suffix, ITypeSymbol? Type, string Detail);

    private sealed class Outcome
    {
        public Outcome(TypeLayout layout) => Layout = layout;

        public Outcome(Problem problem) => Problems.Add(problem);

        public Outcome() { }

        public TypeLayout? Layout { get; }

        public List<Problem> Problems { get; } = new();
    }

    /// <summary>
    /// The layout of a <c>[SharedSegment]</c> struct, or null with at least one entry added to <paramref name="rejections"/>.
    /// </summary>
    public StructLayoutResult? ComputeStruct(INamedTypeSymbol type, List<Rejection> rejections)
    {
        (StructLayoutResult? result, List<Problem> problems) = Struct(type, 0);
        foreach (Problem problem in problems)
            rejections.Add(ToRejection(type, problem));
        return problems.Count == 0 ? result : null;
    }

    /// <summary>The size of any type the engine can lay out (a payload type of generic code); null when it cannot.</summary>
    public long? SizeOf(ITypeSymbol type) => OfType(type, 0).Layout?.Size;

    private static Rejection ToRejection(INamedTypeSymbol type, Problem problem)
    {
        // Suffix ".Field..." names a field of the struct (the place the diagnostic goes); "" is the struct itself.
        if (problem.Suffix.Length == 0)
            return new Rejection(problem.Kind, null, type.Name, problem.Type, problem.Detail);
        string path = problem.Suffix.Substring(1);
        int end = path.IndexOfAny(new[] { '.', '[' });
        string top = end < 0 ? path : path.Substring(0, end);
        IFieldSymbol? field = null;
        foreach (IFieldSymbol candidate in LayoutAttributes.InstanceFields(type))
        {
            if (LayoutAttributes.Name(candidate) == top)
            {
                field = candidate;
                break;
            }
        }
        return new Rejection(problem.Kind, field, path, problem.Type, problem.Detail);
    }

    private (StructLayoutResult? Result, List<Problem> Problems) Struct(INamedTypeSymbol type, int depth)
    {
        var problems = new List<Problem>();
        (int kind, int pack, int minSize, _) = LayoutAttributes.StructLayout(type);
        bool isExplicit = kind == LayoutAttributes.Explicit;
        if (kind != LayoutAttributes.Sequential && !isExplicit)
        {
            string detail = depth == 0
                ? kind == LayoutAttributes.Auto
                    ? "it is declared with LayoutKind.Auto, so the runtime (and its version) chooses the field order; use LayoutKind.Sequential"
                    : "its LayoutKind is neither Sequential nor Explicit; use LayoutKind.Sequential"
                : kind == LayoutAttributes.Auto
                    ? $"its type '{type.ToDisplayString(TypeFormat)}' is declared with LayoutKind.Auto, so the runtime may order its fields differently; use LayoutKind.Sequential"
                    : $"the LayoutKind of its type '{type.ToDisplayString(TypeFormat)}' is neither Sequential nor Explicit; use LayoutKind.Sequential";
            problems.Add(new Problem(RejectionKind.RuntimeDependentLayout, "", type, detail));
            return (null, problems);
        }
        if (pack < 0 || pack > 128 || (pack & (pack - 1)) != 0 || minSize < 0)
        {
            problems.Add(new Problem(RejectionKind.CompilerError, "", type, "invalid StructLayout Pack or Size (CS0599)"));
            return (null, problems);
        }
        int cap = pack == 0 ? DefaultPack : pack;

        var fields = new List<FieldLayout>();
        long cursor = 0;
        long end = 0;
        int alignment = 1;
        foreach (IFieldSymbol field in LayoutAttributes.InstanceFields(type))
        {
            string name = "." + LayoutAttributes.Name(field);
            Outcome outcome = OfField(field, depth);
            if (outcome.Layout is not { } layout)
            {
                foreach (Problem problem in outcome.Problems)
                    problems.Add(problem with { Suffix = name + problem.Suffix });
                continue;
            }
            int fieldAlignment = Math.Min(layout.Alignment, cap);
            long offset;
            if (isExplicit)
            {
                if (LayoutAttributes.FieldOffset(field) is not { } explicitOffset || explicitOffset < 0)
                {
                    problems.Add(new Problem(RejectionKind.CompilerError, name, null, "a field of an explicit struct without a valid FieldOffset (CS0625)"));
                    continue;
                }
                offset = explicitOffset;
            }
            else
            {
                offset = AlignUp(cursor, fieldAlignment);
                cursor = offset + layout.Size;
            }
            end = Math.Max(end, offset + layout.Size);
            alignment = Math.Max(alignment, fieldAlignment);
            fields.Add(new FieldLayout(field, offset, layout));
        }
        if (problems.Count > 0)
            return (null, problems);

        long size = AlignUp(end, alignment);
        if (size == 0)
            size = 1; // an empty struct still occupies one byte
        if (minSize > size)
            size = minSize;
        return (new StructLayoutResult(isExplicit ? "Explicit" : "Sequential", pack, size, alignment, fields), problems);
    }

    private Outcome OfField(IFieldSymbol field, int depth)
    {
        if (!field.IsFixedSizeBuffer)
            return OfType(field.Type, depth + 1);
        if (field.Type is not IPointerTypeSymbol pointer || field.FixedSize <= 0 || Keyword(pointer.PointedAtType) is not { } element)
            return new Outcome(new Problem(RejectionKind.CompilerError, "", field.Type, "an invalid fixed buffer (CS1663, CS1665)"));
        long size = (long)element.Size * field.FixedSize;
        return new Outcome(new TypeLayout(size, element.Alignment, new[] { new Leaf("", $"{element.Name}[{field.FixedSize}]", 0, size) }));
    }

    private Outcome OfType(ITypeSymbol type, int depth)
    {
        if (_cache.TryGetValue(type, out Outcome? cached))
            return cached;
        if (!_inProgress.Add(type))
            return new Outcome(new Problem(RejectionKind.CompilerError, "", type, "a struct that contains itself (CS0523)"));
        Outcome result = Compute(type, depth);
        _inProgress.Remove(type);
        _cache[type] = result;
        return result;
    }

    private Outcome Compute(ITypeSymbol type, int depth)
    {
        string display = type.ToDisplayString(TypeFormat);
        if (type.TypeKind == TypeKind.Error)
            return new Outcome(new Problem(RejectionKind.CompilerError, "", type, "a type that does not compile"));
        if (!type.IsUnmanagedType)
            return new Outcome(new Problem(RejectionKind.ManagedField, "", type, "holds a reference"));
        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
            return new Outcome(new Problem(RejectionKind.PerProcessValue, "", type, "an address or handle of one process"));
        if (depth > MaxDepth)
        {
            return new Outcome(new Problem(RejectionKind.UnknownLayout, "", type,
                $"it nests structs more than {MaxDepth} levels deep; flatten the payload"));
        }
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying } enumType)
        {
            LayoutType primitive = Keyword(underlying)!;
            return new Outcome(new TypeLayout(primitive.Size, primitive.Alignment, new[] { new Leaf("", primitive.Name, 0, primitive.Size, EnumMembers(enumType)) }));
        }
        if (Keyword(type) is { } keyword)
            return new Outcome(new TypeLayout(keyword.Size, keyword.Alignment, new[] { new Leaf("", keyword.Name, 0, keyword.Size) }));
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Struct } named)
            return new Outcome(new Problem(RejectionKind.UnknownLayout, "", type, $"'{display}' is not a struct SharedStruct can lay out"));

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            return Nullable(named, depth);
        if (named.IsTupleType)
        {
            // Before the source check: a tuple type's locations are those of the tuple syntax that names it.
            return new Outcome(new Problem(RejectionKind.RuntimeDependentLayout, "", type,
                $"its type '{display}' is a ValueTuple, which has LayoutKind.Auto; declare a small sequential struct instead"));
        }
        if (!IsFromSource(named))
            return FromMetadata(named, display);

        if (LayoutAttributes.InlineArrayLength(named) is { } length)
            return InlineArray(named, length, depth);

        (StructLayoutResult? result, List<Problem> problems) = Struct(named, depth);
        if (result is null)
        {
            var failed = new Outcome();
            failed.Problems.AddRange(problems);
            return failed;
        }
        var leaves = new List<Leaf>();
        foreach (FieldLayout field in result.Fields)
        {
            string name = "." + LayoutAttributes.Name(field.Field);
            foreach (Leaf leaf in field.Layout.Leaves)
                leaves.Add(leaf with { Suffix = name + leaf.Suffix, Offset = field.Offset + leaf.Offset });
        }
        return new Outcome(new TypeLayout(result.Size, result.Alignment, leaves));
    }

    /// <summary><c>Nullable&lt;T&gt;</c> is <c>{ bool hasValue; T value; }</c>, sequential: described as <c>.HasValue</c> and <c>.Value</c>.</summary>
    private Outcome Nullable(INamedTypeSymbol type, int depth)
    {
        Outcome inner = OfType(type.TypeArguments[0], depth + 1);
        if (inner.Layout is not { } value)
        {
            var failed = new Outcome();
            foreach (Problem problem in inner.Problems)
                failed.Problems.Add(problem with { Suffix = ".Value" + problem.Suffix });
            return failed;
        }
        long valueOffset = AlignUp(1, value.Alignment);
        long size = AlignUp(valueOffset + value.Size, value.Alignment);
        var leaves = new List<Leaf> { new(".HasValue", LayoutTypes.Bool.Name, 0, 1) };
        foreach (Leaf leaf in value.Leaves)
            leaves.Add(leaf with { Suffix = ".Value" + leaf.Suffix, Offset = valueOffset + leaf.Offset });
        return new Outcome(new TypeLayout(size, value.Alignment, leaves));
    }

    private static Outcome FromMetadata(INamedTypeSymbol type, string display)
    {
        string clrName = ClrName(type);
        if (LayoutTypes.FromClrName(clrName) is { } known)
            return new Outcome(new TypeLayout(known.Size, known.Alignment, new[] { new Leaf("", known.Name, 0, known.Size) }));
        if (clrName.StartsWith("System.ValueTuple", StringComparison.Ordinal))
        {
            return new Outcome(new Problem(RejectionKind.RuntimeDependentLayout, "", type,
                $"its type '{display}' is a ValueTuple, which has LayoutKind.Auto; declare a small sequential struct instead"));
        }
        if (clrName == "System.DateTimeOffset")
        {
            return new Outcome(new Problem(RejectionKind.RuntimeDependentLayout, "", type,
                "its type 'DateTimeOffset' is declared with LayoutKind.Auto, so .NET may order its DateTime and offset differently from one version to the next; " +
                "store the instant and the offset apart: a long of UtcTicks and a short of Offset.TotalMinutes " +
                "(new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes)) rebuilds it), or a DateTime in UTC"));
        }
        string assembly = type.ContainingAssembly?.Name ?? "another assembly";
        return new Outcome(new Problem(RejectionKind.UnknownLayout, "", type,
            $"'{display}' is declared in '{assembly}', whose private fields reference assemblies hide, so its layout cannot be known at compile time; " +
            "use a supported type (docs/generator.md lists them) or declare a struct with the same fields in this project"));
    }

    private Outcome InlineArray(INamedTypeSymbol type, int length, int depth)
    {
        IFieldSymbol? elementField = null;
        foreach (IFieldSymbol field in LayoutAttributes.InstanceFields(type))
        {
            if (elementField is not null)
                return new Outcome(new Problem(RejectionKind.CompilerError, "", type, "an inline array with more than one field (CS9169)"));
            elementField = field;
        }
        if (elementField is null || length <= 0)
            return new Outcome(new Problem(RejectionKind.CompilerError, "", type, "an inline array without an element or length (CS9167, CS9169)"));
        Outcome elementOutcome = OfField(elementField, depth);
        if (elementOutcome.Layout is not { } element)
        {
            var failed = new Outcome();
            foreach (Problem problem in elementOutcome.Problems)
                failed.Problems.Add(problem with { Suffix = "[]" + problem.Suffix });
            return failed;
        }
        long total = element.Size * length;
        var leaves = new List<Leaf>();
        if (element.Leaves.Count == 1 && element.Leaves[0].Suffix.Length == 0 && element.Leaves[0].Size == element.Size
            && !element.Leaves[0].Type.EndsWith("]", StringComparison.Ordinal))
        {
            leaves.Add(element.Leaves[0] with { Type = $"{element.Leaves[0].Type}[{length}]", Size = total });
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                string index = "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                foreach (Leaf leaf in element.Leaves)
                    leaves.Add(leaf with { Suffix = index + leaf.Suffix, Offset = i * element.Size + leaf.Offset });
            }
        }
        return new Outcome(new TypeLayout(total, element.Alignment, leaves));
    }

    /// <summary>The table entry of a C# keyword type (bool, int, decimal, ...); null for anything else.</summary>
    public static LayoutType? Keyword(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Boolean => LayoutTypes.Bool,
        SpecialType.System_Char => LayoutTypes.Char,
        SpecialType.System_SByte => LayoutTypes.Int8,
        SpecialType.System_Byte => LayoutTypes.UInt8,
        SpecialType.System_Int16 => LayoutTypes.Int16,
        SpecialType.System_UInt16 => LayoutTypes.UInt16,
        SpecialType.System_Int32 => LayoutTypes.Int32,
        SpecialType.System_UInt32 => LayoutTypes.UInt32,
        SpecialType.System_Int64 => LayoutTypes.Int64,
        SpecialType.System_UInt64 => LayoutTypes.UInt64,
        SpecialType.System_Single => LayoutTypes.Float32,
        SpecialType.System_Double => LayoutTypes.Float64,
        SpecialType.System_Decimal => LayoutTypes.Decimal,
        _ => null,
    };

    /// <summary>
    /// An enum's members for the description, in declaration order: <c>Name=Value</c> separated by spaces, led by
    /// <c>flags</c> for a <c>[Flags]</c> enum; null for an enum without members or too large to list.
    /// </summary>
    private static string? EnumMembers(INamedTypeSymbol type)
    {
        var text = new StringBuilder();
        if (LayoutAttributes.IsFlags(type))
            text.Append(LayoutFormat.Flags);
        int count = 0;
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is not IFieldSymbol { HasConstantValue: true, ConstantValue: { } value } field)
                continue;
            if (++count > MaxEnumMembers)
                return null;
            if (text.Length > 0)
                text.Append(' ');
            text.Append(field.Name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
        return count == 0 ? null : text.ToString();
    }

    /// <summary>The namespace-qualified metadata name: <c>System.Numerics.Vector3</c>, <c>System.ValueTuple`2</c>.</summary>
    private static string ClrName(INamedTypeSymbol type)
    {
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        return type.ContainingType is null ? ns + type.MetadataName : ns + type.ContainingType.MetadataName + "+" + type.MetadataName;
    }

    private static bool IsFromSource(INamedTypeSymbol type)
    {
        // StructLayout and FieldOffset of a metadata type are pseudo-attributes Roslyn does not show, and reference
        // assemblies replace private fields with placeholders: only source structs can be computed.
        foreach (Location location in type.OriginalDefinition.Locations)
        {
            if (location.IsInSource)
                return true;
        }
        return false;
    }

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
