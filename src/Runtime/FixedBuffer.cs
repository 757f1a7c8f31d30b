using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharedStruct;

/// <summary>
/// The helpers generated code uses for <c>fixed</c> buffers: one definition of the string rules (read to the first NUL;
/// store at most N-1 characters, never half a surrogate pair, NUL-terminated) for the struct's and the wrappers'
/// accessors alike. Usable directly on any <c>fixed char</c> buffer.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FixedBuffer
{
    /// <summary>
    /// A read-only span over a fixed buffer from a readonly context (a <c>readonly</c> member, an <c>in</c> parameter):
    /// the language gives no <c>ref</c> to such an element, and <c>Unsafe.AsRef(in ...)</c> needs C# 12.
    /// </summary>
    /// <param name="first">The buffer's first element.</param>
    /// <param name="length">The buffer's element count.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<T> AsReadOnlySpan<T>(in T first, int length) where T : unmanaged =>
        MemoryMarshal.CreateReadOnlySpan(in first, length);

    /// <summary>The text in <paramref name="chars"/> up to the first NUL character (all of it if there is none).</summary>
    public static string GetString(ReadOnlySpan<char> chars)
    {
        int end = chars.IndexOf('\0');
        return new string(end < 0 ? chars : chars.Slice(0, end));
    }

    /// <summary>
    /// Stores <paramref name="value"/> in <paramref name="chars"/>: at most <c>chars.Length - 1</c> characters (longer
    /// text is truncated, never splitting a surrogate pair), then NUL characters to the end.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static void SetString(Span<char> chars, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int max = chars.Length - 1;
        int count = value.Length < max ? value.Length : max;
        if (count < value.Length && count > 0 && char.IsHighSurrogate(value[count - 1]))
            count--;
        value.AsSpan(0, count).CopyTo(chars);
        chars.Slice(count).Clear();
    }
}
