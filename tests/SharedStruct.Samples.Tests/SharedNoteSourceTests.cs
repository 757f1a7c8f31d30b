using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// SharedNote's program sets and reads its fixed-char note through the generated helpers (<c>Update</c>,
/// <c>SetText</c>, <c>Read</c>, <c>GetText</c>), so it needs no unsafe code and no <c>MemoryMarshal</c> (issue 14).
/// Note.cs keeps the <c>unsafe</c> that C# requires to declare a fixed buffer; only the program is scanned.
/// </summary>
public sealed partial class SharedNoteSourceTests
{
    private static readonly string ProgramPath = Path.Combine(RepoRoot(), "samples", "SharedNote", "Program.cs");

    [Fact]
    public void SharedNote_program_uses_neither_unsafe_nor_MemoryMarshal()
    {
        Assert.Empty(LowLevelWords(File.ReadAllText(ProgramPath)));
    }

    [Fact]
    public void The_scan_finds_unsafe_and_MemoryMarshal_in_code_and_ignores_comments_and_strings()
    {
        // The twin: the program with what the sample used to write by hand fails the scan; prose about it does not.
        string program = File.ReadAllText(ProgramPath);
        Assert.Equal(["unsafe"], LowLevelWords(program + "\nstatic unsafe void Poke(char* p) => *p = 'x';\n"));
        Assert.Equal(["MemoryMarshal"], LowLevelWords(program + "\nstatic Span<char> Chars(ref char c) => System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref c, 1);\n"));
        Assert.Empty(LowLevelWords(program + "\n// needs no unsafe code\n/* nor MemoryMarshal */\nConsole.WriteLine(\"unsafe \\\" MemoryMarshal\");\n"));
    }

    /// <summary>Each of <c>unsafe</c> and <c>MemoryMarshal</c> that occurs as a word outside comments and string literals.</summary>
    private static string[] LowLevelWords(string source) => Token().Matches(source)
        .Select(m => m.Groups["word"])
        .Where(g => g.Success)
        .Select(g => g.Value)
        .Distinct()
        .ToArray();

    // Comments and regular string literals are matched whole, so a word inside them is never a match of its own.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""(?:[^""\\\n]|\\.)*""|\b(?<word>unsafe|MemoryMarshal)\b", RegexOptions.Singleline)]
    private static partial Regex Token();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharedStruct.sln")))
                return dir.FullName;
        throw new InvalidOperationException("the repository root (SharedStruct.sln) was not found above the test's folder");
    }
}
