using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Every C# block in README.md is built by a test (<see cref="ReadmeCSharp"/> says which): a block added without one,
/// or tagged so that no test recognises it as C#, fails here. These tests read the README only; they build nothing.
/// </summary>
public sealed class ReadmeCSharpTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(PackedPackages.RepoRoot, "README.md"));

    [Fact]
    public void Every_csharp_block_of_the_readme_is_built_by_a_test()
    {
        IReadOnlyList<ReadmeBlock> unbuilt = ReadmeCSharp.Unbuilt(Readme);
        Assert.True(unbuilt.Count == 0, "no test builds these README blocks; build each in a test and add it to ReadmeCSharp.Built:\n"
            + string.Join("\n", unbuilt.Select(b => $"README.md line {b.Line}: {b}")));

        // Each block is counted once, and the README has the blocks the accessors are meant for.
        IReadOnlyList<ReadmeBlock> built = ReadmeCSharp.Built(Readme);
        Assert.Equal(built.Count, built.Distinct().Count());
        Assert.Equal(ReadmeBlocks.All(Readme).Count(b => b.Language == "csharp"), built.Count);
        Assert.Contains("seg.Update(", Assert.Single(ReadmeQuickStart.Continuations(Readme)).Text, StringComparison.Ordinal);
        Assert.Contains("builder.Services.AddSharedSegment(", ReadmeCSharp.Hosting(Readme).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("## Concepts", "csharp")]                           // a section no test builds from
    [InlineData(ReadmeCSharp.HostingHeading, "csharp")]             // a second block where only the first is built
    [InlineData("## The `sharedstruct` tool", "cs")]                // C# under a tag the guard would otherwise not see
    [InlineData("## Samples", "c#")]
    public void A_csharp_block_no_test_builds_fails_the_guard(string section, string language)
    {
        // The twins: the README with one more block at the end of a section fails the guard, which names it.
        int start = Readme.IndexOf("\n" + section + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{section}' section");
        int end = Readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string added = Readme.Insert(end + 1, $"```{language}\nvar unbuilt = 1;\n```\n\n");

        ReadmeBlock block = Assert.Single(ReadmeCSharp.Unbuilt(added));
        Assert.Equal((section, language, "var unbuilt = 1;\n"), (block.Section, block.Language, block.Text));
        Assert.Equal("var unbuilt = 1;", added.Split('\n')[block.Line - 1]);
    }

    [Fact]
    public void The_quick_start_program_continued_puts_the_statements_and_the_added_lines_in_a_method_and_the_types_after_it()
    {
        // What PackageTests' consumer compiles; this checks its shape without a build.
        string program = ReadmeQuickStart.ProgramBlock(Readme).Text;
        string continuation = Assert.Single(ReadmeQuickStart.Continuations(Readme)).Text;
        string file = ReadmeQuickStart.ProgramContinued(Readme);

        int method = file.IndexOf("private static void Run()", StringComparison.Ordinal);
        int statements = file.IndexOf("using CounterSegment seg = Counter.Open();", StringComparison.Ordinal);
        int added = file.IndexOf(continuation, StringComparison.Ordinal);
        int types = file.IndexOf("[SharedSegment(\"demo.counter\")]", StringComparison.Ordinal);
        Assert.True(file.StartsWith("#line", StringComparison.Ordinal) && file.IndexOf("using SharedStruct;", StringComparison.Ordinal) < method, file);
        Assert.True(method < statements && statements < added && added < types, file);
        // Every line of the program, and every added line, in the README's order.
        foreach (string text in new[] { program, continuation })
        {
            string[] lines = file.Split('\n');
            int at = 0;
            foreach (string line in text.Split('\n').Where(l => l.Length > 0))
            {
                at = Array.IndexOf(lines, line, at);
                Assert.True(at >= 0, $"'{line}' is missing or out of order in:\n{file}");
            }
        }

        // Every README line keeps its README line number, so a build error points at README.md.
        int programLine = ReadmeQuickStart.ProgramBlock(Readme).Line;
        Assert.Contains($"#line {programLine + program[..program.IndexOf("using CounterSegment", StringComparison.Ordinal)].Count(c => c == '\n')} \"README.md\"\nusing CounterSegment", file, StringComparison.Ordinal);

        // The twin: a program without a type declaration does not fit the template, and says so.
        string typeless = Readme.Replace(program, program[..program.IndexOf("[SharedSegment(", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ReadmeQuickStart.ProgramContinued(typeless));
    }
}
