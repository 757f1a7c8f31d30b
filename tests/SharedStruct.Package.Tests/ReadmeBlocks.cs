using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SharedStruct.Tests;

/// <summary>
/// One fenced block of a README: the "## " section it is in, its language (bash, xml, csharp or none), its text, the
/// offset of its fence and the README line its text starts on (1-based, for <c>#line</c>).
/// </summary>
public sealed record ReadmeBlock(string Section, string Language, string Text, int Offset, int Line)
{
    /// <summary>The section and the block's first line, to name it in a failure.</summary>
    public override string ToString() => $"{Section}: ```{Language} {Text.Split('\n')[0]}";
}

/// <summary>Reads the fenced code blocks of a README, in order.</summary>
public static partial class ReadmeBlocks
{
    /// <summary>Every fenced block of <paramref name="readme"/>, with the "## " section it is in.</summary>
    public static IReadOnlyList<ReadmeBlock> All(string readme)
    {
        string text = Normalize(readme);
        Match[] fences = Fence().Matches(text).ToArray();
        Match[] headings = Headings(text, fences);
        return fences
            .Select(m => new ReadmeBlock(
                headings.LastOrDefault(h => h.Index < m.Index)?.Value ?? "(before the first section)",
                m.Groups["lang"].Value,
                m.Groups["body"].Value,
                m.Index,
                text.AsSpan(0, m.Groups["body"].Index).Count('\n') + 1))
            .ToArray();
    }

    /// <summary>The fenced blocks of the section <paramref name="heading"/> ("## Name"); fails if it is missing or has none.</summary>
    public static IReadOnlyList<ReadmeBlock> InSection(string readme, string heading)
    {
        string text = Normalize(readme);
        if (!Headings(text, Fence().Matches(text).ToArray()).Any(h => h.Value == heading))
            throw new FormatException($"the README has no '{heading}' section");
        ReadmeBlock[] blocks = All(readme).Where(b => b.Section == heading).ToArray();
        if (blocks.Length == 0)
            throw new FormatException($"the '{heading}' section has no fenced code blocks");
        return blocks;
    }

    // A "## " line inside a fenced block is the block's text, not a heading.
    private static Match[] Headings(string text, Match[] fences) => Heading().Matches(text)
        .Where(h => !fences.Any(f => h.Index > f.Index && h.Index < f.Index + f.Length))
        .ToArray();

    private static string Normalize(string readme) => readme.Replace("\r\n", "\n", StringComparison.Ordinal);

    [GeneratedRegex(@"^## .*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    // Any info string, so a block tagged "cs" or "c#" is read as a block (and then refused by the C# guard), not
    // mistaken for the end of the one before it.
    [GeneratedRegex(@"^```(?<lang>[^`\n]*)\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
