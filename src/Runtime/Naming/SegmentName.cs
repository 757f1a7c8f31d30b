using System;

namespace SharedStruct;

/// <summary>Validates segment names. One rule for all platforms, so a name that works on one works on all.</summary>
public static class SegmentName
{
    /// <summary>The longest allowed name.</summary>
    public const int MaxLength = SegmentNameRules.MaxLength;

    /// <summary>The rule, in words.</summary>
    public static string Rule => SegmentNameRules.Rule;

    /// <summary>Whether <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name) => Explain(name) is null;

    /// <summary>Null when <paramref name="name"/> follows the rule; otherwise what is wrong with it, e.g. "the name contains \"..\"".</summary>
    public static string? Explain(string? name) => SegmentNameRules.Check(name);

    /// <summary>Throws an <see cref="ArgumentException"/> stating the rule when <paramref name="name"/> breaks it.</summary>
    public static void Validate(string? name, string paramName = "name")
    {
        string? problem = Explain(name);
        if (problem is not null)
            throw new ArgumentException($"Invalid segment name \"{name}\": {problem}. {SegmentNameRules.Rule}", paramName);
    }
}
