using System.Globalization;
using SharedStruct.Generator.Model;

namespace SharedStruct.Generator.Emit;

/// <summary>
/// The struct's own helpers over its fixed buffers, usable on a guard's <c>Value</c>, on a snapshot and inside
/// <c>Update</c>/<c>Read</c> callbacks, so user code needs neither <c>unsafe</c> nor <c>MemoryMarshal</c>.
/// </summary>
internal static class StructHelperEmitter
{
    private const string Span = "global::System.Span";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan";
    private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string FixedBuffer = "global::SharedStruct.FixedBuffer";
    private const string UnscopedRef = "[global::System.Diagnostics.CodeAnalysis.UnscopedRef]";

    /// <summary>Writes the helpers; returns whether it wrote any (the caller separates them from what follows).</summary>
    public static bool Emit(IndentedWriter w, SegmentModel model, bool blankFirst)
    {
        bool wrote = false;
        foreach (MemberModel member in model.Members)
        {
            if (!member.HasStructHelpers)
                continue;
            string field = "this." + Identifiers.Escape(member.FieldName);
            string length = member.Length.ToString(CultureInfo.InvariantCulture);
            string max = (member.Length - 1).ToString(CultureInfo.InvariantCulture);
            string cref = $"<see cref=\"{Identifiers.Escape(member.FieldName)}\"/>";
            foreach (string text in Helpers(member, field, length, max, cref))
            {
                if (blankFirst || wrote)
                    w.Blank();
                w.Write(text);
                wrote = true;
            }
        }
        return wrote;
    }

    private static System.Collections.Generic.IEnumerable<string> Helpers(MemberModel member, string field, string length, string max, string cref)
    {
        if (member.StructGetName is { } get)
        {
            yield return $$"""
                /// <summary>The text in {{cref}} up to the first NUL character (all {{length}} characters if there is none). Reads this value only: on a guard's <c>Value</c> hold the lock, or call it on a snapshot.</summary>
                /// <returns>A new string.</returns>
                public readonly string {{Identifiers.Escape(get)}}() => {{FixedBuffer}}.GetString({{FixedBuffer}}.AsReadOnlySpan(in {{field}}[0], {{length}}));
                """;
        }
        if (member.StructSetName is { } set)
        {
            yield return $$"""
                /// <summary>Stores <paramref name="value"/> in {{cref}}: at most {{max}} characters (longer text is truncated, never splitting a surrogate pair), NUL-terminated, the rest cleared. On a guard's <c>Value</c> this writes shared memory: hold the lock.</summary>
                /// <param name="value">The text.</param>
                /// <exception cref="global::System.ArgumentNullException"><paramref name="value"/> is null.</exception>
                public void {{Identifiers.Escape(set)}}(string value) => {{FixedBuffer}}.SetString({{Marshal}}.CreateSpan(ref {{field}}[0], {{length}}), value);
                """;
        }
        string type = member.TypeName;
        if (member.StructSpanName is { } span)
        {
            yield return $$"""
                /// <summary>The {{length}} elements of {{cref}} as a span over this value's own storage (shared memory on a guard's <c>Value</c>: use it only while the lock is held).</summary>
                {{UnscopedRef}}
                public {{Span}}<{{type}}> {{Identifiers.Escape(span)}} => {{Marshal}}.CreateSpan(ref {{field}}[0], {{length}});
                """;
        }
        if (member.StructReadOnlySpanName is { } readOnlySpan)
        {
            yield return $$"""
                /// <summary>The {{length}} elements of {{cref}} as a read-only span over this value's own storage; usable on an <c>in</c> value such as a <c>Read</c> callback's.</summary>
                {{UnscopedRef}}
                public readonly {{ReadOnlySpan}}<{{type}}> {{Identifiers.Escape(readOnlySpan)}} => {{FixedBuffer}}.AsReadOnlySpan(in {{field}}[0], {{length}});
                """;
        }
    }
}
