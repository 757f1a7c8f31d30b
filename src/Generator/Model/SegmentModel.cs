namespace SharedStruct.Generator.Model;

/// <summary>Everything the emitter needs for one <c>[SharedSegment]</c> struct. Strings and numbers only.</summary>
internal sealed record SegmentModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string TypeName,
    string TypeKeyword,
    string Accessibility,
    string FullyQualifiedName,
    string SegmentClassName,
    string SegmentFullName,
    string SegmentName,
    int LockTimeoutMilliseconds,
    ulong Fingerprint,
    string Description,
    int Size,
    EquatableArray<string> StructStatics,
    bool NeedsUnsafe,
    EquatableArray<MemberModel> Members,
    string ReadOnlyClassName,
    string ReadOnlyFullName,
    bool ByValueSnapshots,
    bool RollbackOnCrash = false)
{
    /// <summary>The struct's partial declaration needs <c>unsafe</c>: it emits helpers over fixed buffers.</summary>
    public bool StructNeedsUnsafe
    {
        get
        {
            foreach (MemberModel member in Members)
            {
                if (member.HasStructHelpers)
                    return true;
            }
            return false;
        }
    }
}

/// <summary>A type that encloses the struct, re-declared as <c>partial</c> around the generated code.</summary>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>How a field is exposed on the segment class.</summary>
internal enum MemberKind
{
    /// <summary>A guarded property of the field's own type (primitives, enums, nested structs, inline arrays).</summary>
    Value,

    /// <summary>A <c>fixed char</c> buffer exposed as a <c>string</c> property.</summary>
    FixedString,

    /// <summary>Any other fixed buffer, exposed as Read/Write methods over spans.</summary>
    FixedBuffer,
}

/// <summary>One generated accessor group for one field of the struct.</summary>
/// <param name="Kind">How the field is exposed.</param>
/// <param name="FieldName">The field's name in the struct (or an auto-property's name).</param>
/// <param name="PropertyName">The generated property name (the field's name unless it collides).</param>
/// <param name="TypeName">The field's type, fully qualified (the element type for fixed buffers).</param>
/// <param name="Length">The element count of a fixed buffer; 0 otherwise.</param>
/// <param name="CanWrite">False for readonly fields and get-only or init-only auto-properties.</param>
/// <param name="InterlockedType">"int", "uint", "long" or "ulong" when Add/Exchange/CompareExchange are emitted.</param>
/// <param name="Offset">The field's offset in the payload.</param>
/// <param name="Size">The field's size in bytes.</param>
/// <param name="LayoutType">The type as written in the layout description, for docs.</param>
/// <param name="IsVolatile">The field is volatile (Interlocked on it needs CS0420 silenced).</param>
/// <param name="StructGetName">For a <c>fixed char</c> buffer: the struct's <c>Get…()</c> string method, null when the name is taken.</param>
/// <param name="StructSetName">For a <c>fixed char</c> buffer: the struct's <c>Set…(string)</c> method, null when taken.</param>
/// <param name="StructSpanName">For another fixed buffer: the struct's <c>…Span</c> property, null when taken.</param>
/// <param name="StructReadOnlySpanName">For another fixed buffer: the struct's <c>…ReadOnlySpan</c> property, null when taken.</param>
internal sealed record MemberModel(
    MemberKind Kind,
    string FieldName,
    string PropertyName,
    string TypeName,
    int Length,
    bool CanWrite,
    string? InterlockedType,
    int Offset,
    int Size,
    string LayoutType,
    bool IsVolatile,
    string? StructGetName = null,
    string? StructSetName = null,
    string? StructSpanName = null,
    string? StructReadOnlySpanName = null)
{
    public bool HasStructHelpers => StructGetName is not null || StructSetName is not null || StructSpanName is not null || StructReadOnlySpanName is not null;

    public string AddName => "Add" + PropertyName;

    public string ExchangeName => "Exchange" + PropertyName;

    public string CompareExchangeName => "CompareExchange" + PropertyName;

    public string ReadName => "Read" + PropertyName;

    public string WriteName => "Write" + PropertyName;
}
