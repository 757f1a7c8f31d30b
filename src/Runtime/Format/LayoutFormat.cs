// Linked into SharedStruct.Generator, SharedStruct.Analyzers and the sharedstruct tool: the generator and the layout
// engine write the canonical layout description with these words, and the runtime and the tool read it with them.
// netstandard2.0 source (no records, no newer BCL API).
using System.Globalization;

namespace SharedStruct.Format;

/// <summary>
/// The words of the canonical layout description a segment's creator stores in its header:
/// <code>
/// sharedstruct-layout 1
/// struct Demo.Counter size=216 kind=Sequential pack=0
/// field Hits int64 offset=0 size=8
/// enum Mode flags Fast=1 Safe=2
/// </code>
/// One version line, then lines of space-separated tokens led by a keyword; <c>key=value</c> tokens follow the
/// positional ones. A reader ignores a line whose keyword it does not know.
/// </summary>
/// <remarks>
/// The words are part of every stored fingerprint (see <c>LayoutFingerprint</c>): changing one makes every
/// existing segment a layout mismatch. Add a keyword or a key; never respell one.
/// </remarks>
internal static class LayoutFormat
{
    /// <summary>The first token of the version line.</summary>
    public const string Magic = "sharedstruct-layout";

    /// <summary>The version this build writes and the only one the tool reads.</summary>
    public const int Version = 1;

    /// <summary>What the version line of any version starts with: a text that does not is no canonical description.</summary>
    public const string VersionLinePrefix = Magic + " ";

    /// <summary>The version line this build writes: <c>sharedstruct-layout 1</c>.</summary>
    public static readonly string VersionLine = VersionLinePrefix + Version.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>struct &lt;name&gt; size=N kind=K pack=P</c>: the payload struct. Its name may hold spaces (a generic one).</summary>
    public const string Struct = "struct";

    /// <summary><c>field &lt;name&gt; &lt;type&gt; offset=N size=M</c>: one leaf field, nested fields flattened.</summary>
    public const string Field = "field";

    /// <summary><c>enum &lt;field&gt; [flags] Name=Value ...</c>: an annotation for tools, not fingerprinted.</summary>
    public const string Enum = "enum";

    /// <summary>The token after an <see cref="Enum"/> line's field name that marks a <c>[Flags]</c> enum.</summary>
    public const string Flags = "flags";

    /// <summary>Key of the struct's and of a field's size in bytes.</summary>
    public const string Size = "size";

    /// <summary>Key of the struct's <c>LayoutKind</c>.</summary>
    public const string Kind = "kind";

    /// <summary>Key of the struct's <c>Pack</c>.</summary>
    public const string Pack = "pack";

    /// <summary>Key of a field's offset in the payload.</summary>
    public const string Offset = "offset";
}
