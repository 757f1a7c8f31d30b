using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;

namespace SharedStruct.Generator.Tests.Infrastructure;

/// <summary>
/// A small snapshot check in Verify's file conventions: <c>Snapshots/Class.Method#Hint.g.verified.cs</c> beside the
/// test, a <c>.received.cs</c> written next to it on mismatch, and <c>SHAREDSTRUCT_ACCEPT_SNAPSHOTS=1</c> to accept.
/// The suite can move to Verify.SourceGenerators unchanged once that package can be restored.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "SHAREDSTRUCT_ACCEPT_SNAPSHOTS";

    /// <summary>Checks every generated file of <paramref name="result"/>; fails when there are none.</summary>
    public static void Verify(GeneratorRunResult result, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        Assert.NotEmpty(result.GeneratedSources);
        string directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        string prefix = Path.GetFileNameWithoutExtension(testFile) + "." + method;
        bool accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1";
        var failures = new System.Collections.Generic.List<string>();

        foreach (GeneratedSourceResult source in result.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            string hint = source.HintName.EndsWith(".cs", StringComparison.Ordinal) ? source.HintName[..^3] : source.HintName;
            string verified = Path.Combine(directory, $"{prefix}#{hint}.verified.cs");
            string received = Path.Combine(directory, $"{prefix}#{hint}.received.cs");
            string actual = Normalize(source.SourceText.ToString());
            string? expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;

            if (expected == actual)
            {
                File.Delete(received);
                continue;
            }
            if (accept)
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(verified, actual);
                File.Delete(received);
                continue;
            }
            Directory.CreateDirectory(directory);
            File.WriteAllText(received, actual);
            failures.Add(expected is null
                ? $"No snapshot {Path.GetFileName(verified)}; wrote {Path.GetFileName(received)}."
                : $"{Path.GetFileName(verified)} differs; wrote {Path.GetFileName(received)}. First difference at line {FirstDifference(expected, actual)}.");
        }

        // A snapshot nobody produces any more is stale.
        if (Directory.Exists(directory))
        {
            var produced = result.GeneratedSources.Select(s => $"{prefix}#{(s.HintName.EndsWith(".cs", StringComparison.Ordinal) ? s.HintName[..^3] : s.HintName)}.verified.cs").ToHashSet();
            foreach (string file in Directory.EnumerateFiles(directory, prefix + "#*.verified.cs"))
            {
                if (!produced.Contains(Path.GetFileName(file)))
                    failures.Add($"Stale snapshot {Path.GetFileName(file)}: the generator no longer produces it.");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures) + $"\nSet {AcceptVariable}=1 to accept the received output.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static int FirstDifference(string expected, string actual)
    {
        string[] a = expected.Split('\n');
        string[] b = actual.Split('\n');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
                return i + 1;
        }
        return Math.Min(a.Length, b.Length) + 1;
    }
}
