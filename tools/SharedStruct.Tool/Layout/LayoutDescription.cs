using System.Collections.Generic;
using SharedStruct.Format;

namespace SharedStruct.Tool.Layout;

/// <summary>A parsed layout description: the struct and its fields as the creator stored them.</summary>
/// <param name="StructName">The struct's full name.</param>
/// <param name="Size">The payload size the description states, or null when it states none.</param>
/// <param name="Kind">The layout kind (<c>Sequential</c>, <c>Explicit</c>, ...), or null.</param>
/// <param name="Pack">The pack value, or null.</param>
/// <param name="Fields">The fields in description order; empty for a description that names only the type.</param>
/// <param name="HasFieldList">
/// False for the runtime's default description (<c>Type.FullName size=N</c>), which names the type but lists no fields.
/// </param>
/// <param name="Warnings">Lines the parser skipped (from a newer writer), for the reader's information.</param>
internal sealed record LayoutDescription(
    string StructName,
    long? Size,
    string? Kind,
    int? Pack,
    IReadOnlyList<LayoutField> Fields,
    bool HasFieldList,
    IReadOnlyList<string> Warnings);

/// <summary>One <c>field</c> line: a primitive or fixed-size array of primitives at a byte offset.</summary>
/// <param name="Name">The field name; nested struct fields are flattened with dots (<c>Pos.X</c>), array elements with brackets.</param>
/// <param name="TypeText">The type as written (<c>int32</c>, <c>char[100]</c>).</param>
/// <param name="Element">The element type; <see cref="LayoutTypeKind.Unknown"/> for a type this tool does not know.</param>
/// <param name="Count">The element count for an array, or null for a scalar.</param>
/// <param name="Offset">The byte offset in the payload.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Enum">The enum's members when the description lists them (an <c>enum</c> line), else null.</param>
internal sealed record LayoutField(string Name, string TypeText, LayoutTypeKind Element, int? Count, long Offset, long Size, EnumMembers? Enum = null);

/// <summary>An <c>enum</c> line: the members of the enum a field holds, for showing values by name.</summary>
/// <param name="IsFlags">The enum is <c>[Flags]</c>: a value may be several members or'd together.</param>
/// <param name="Members">Name and value, in declaration order.</param>
internal sealed record EnumMembers(bool IsFlags, IReadOnlyList<(string Name, long Value)> Members);
