using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace SharedStruct.Tool.Tests.Infrastructure;

/// <summary>Reads the tool's plain (redirected) tables: columns are separated by at least two spaces.</summary>
internal static class Columns
{
    private static readonly Regex Separator = new(@"\s{2,}", RegexOptions.Compiled);

    /// <summary>The cells of the row whose first cell is <paramref name="key"/>; fails with the whole output if there is none.</summary>
    public static string[] Row(string output, string key)
    {
        string? line = output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => Separator.Split(l.Trim())[0] == key);
        if (line is null)
            throw new Xunit.Sdk.XunitException($"no row for \"{key}\" in:\n{output}");
        return Separator.Split(line.Trim());
    }

    /// <summary>The value of a "Key  value" header line of <c>inspect</c>.</summary>
    public static string Header(string output, string key)
    {
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith(key + "  ", StringComparison.Ordinal));
        if (line is null)
            throw new Xunit.Sdk.XunitException($"no \"{key}\" line in:\n{output}");
        return line.Substring(key.Length).Trim();
    }
}
