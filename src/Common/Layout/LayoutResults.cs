using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SharedStruct.Layout;

/// <summary>A leaf of a flattened layout: one <c>field</c> line of the description.</summary>
/// <param name="Suffix">Appended to the field name: empty, ".X", "[2].Y", ".Value".</param>
/// <param name="Type">The description type: <c>int32</c>, <c>datetime</c>, <c>char[100]</c>.</param>
/// <param name="Enum">For an enum (or an inline array of one): its members as the description's <c>enum</c> line
/// writes them (<c>Idle=0 Busy=7</c>, <c>flags Read=1 Write=2</c>); null otherwise.</param>
internal readonly record struct Leaf(string Suffix, string Type, long Offset, long Size, string? Enum = null);

/// <summary>The size, alignment and leaves of a type.</summary>
internal sealed record TypeLayout(long Size, int Alignment, IReadOnlyList<Leaf> Leaves);

/// <summary>One instance field of a struct and where it lies.</summary>
internal sealed record FieldLayout(IFieldSymbol Field, long Offset, TypeLayout Layout);

/// <summary>The layout of a struct declared in source, field by field.</summary>
/// <param name="Kind"><c>Sequential</c> or <c>Explicit</c>.</param>
/// <param name="Pack">The <c>Pack</c> as written; 0 when unset.</param>
internal sealed record StructLayoutResult(string Kind, int Pack, long Size, int Alignment, IReadOnlyList<FieldLayout> Fields);
