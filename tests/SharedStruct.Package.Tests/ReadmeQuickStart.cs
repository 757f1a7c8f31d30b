using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SharedStruct.Tests;

/// <summary>One fenced block of README's Quick start: its language (bash, xml, csharp) and its text.</summary>
public sealed record QuickStartBlock(string Language, string Text);

/// <summary>Reads the fenced code blocks of the "## Quick start" section of a README, in order.</summary>
public static partial class ReadmeQuickStart
{
    public const string Heading = "## Quick start";

    public static IReadOnlyList<QuickStartBlock> Blocks(string readme)
    {
        string text = readme.Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = text.IndexOf("\n" + Heading + "\n", StringComparison.Ordinal);
        if (start < 0)
            throw new FormatException($"the README has no '{Heading}' section");
        int end = text.IndexOf("\n## ", start + Heading.Length + 1, StringComparison.Ordinal);
        string section = end < 0 ? text[start..] : text[start..end];
        QuickStartBlock[] blocks = Fence().Matches(section)
            .Select(m => new QuickStartBlock(m.Groups["lang"].Value, m.Groups["body"].Value))
            .ToArray();
        if (blocks.Length == 0)
            throw new FormatException($"the '{Heading}' section has no fenced code blocks");
        return blocks;
    }

    [GeneratedRegex(@"^```(?<lang>[a-z]*)\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
