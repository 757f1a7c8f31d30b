// This file is compiled into both the runtime and the analyzers (netstandard2.0), so the compile-time check of a
// [SharedSegment] name and the run-time check can never disagree.
namespace SharedStruct;

/// <summary>The one rule for segment names, shared by the runtime and the analyzers.</summary>
internal static class SegmentNameRules
{
    /// <summary>
    /// 64 characters: with the "sharedstruct." prefix the object name stays far below every platform limit
    /// (Windows object names, Linux NAME_MAX 255). macOS keeps segments as files in a private directory rather
    /// than shm_open, so its 31-character shm name limit does not apply.
    /// </summary>
    public const int MaxLength = 64;

    /// <summary>The largest payload a segment may hold: 1 GiB.</summary>
    public const long MaxPayloadSize = 1L << 30;

    public const string Rule =
        "A segment name is 1 to 64 characters of lower-case ASCII letters, digits, '.', '-' and '_', starting with a " +
        "letter or digit, without \"..\". Lower case only because macOS file names ignore case while Linux and " +
        "Windows names do not, so \"Demo\" and \"demo\" would be one segment on one platform and two on another.";

    /// <summary>Returns null when <paramref name="name"/> is valid, otherwise what is wrong with it.</summary>
    public static string? Check(string? name)
    {
        if (name is null || name.Length == 0)
            return "the name is empty";
        if (name.Length > MaxLength)
            return $"the name is {name.Length} characters long, more than {MaxLength}";
        char first = name[0];
        if (first == '.' || first == '-' || first == '_')
            return $"the name starts with '{first}'";
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (IsLetterOrDigit(c) || c == '-' || c == '_')
                continue;
            if (c == '.')
            {
                if (i + 1 < name.Length && name[i + 1] == '.')
                    return "the name contains \"..\"";
                continue;
            }
            if (c >= 'A' && c <= 'Z')
                return $"the name contains the upper-case letter '{c}'";
            if (c == '/' || c == '\\')
                return $"the name contains the path separator '{c}'";
            return c < ' ' || c > '~'
                ? $"the name contains the character U+{(int)c:X4}"
                : $"the name contains the character '{c}'";
        }
        return null;
    }

    private static bool IsLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
