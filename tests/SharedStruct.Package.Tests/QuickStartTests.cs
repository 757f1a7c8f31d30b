using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// README's Quick start, taken from README.md itself and done as written (see <see cref="QuickStartSession"/>): a
/// README that drifts from what works fails here.
/// </summary>
public sealed partial class QuickStartTests(PackedPackages packed)
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(PackedPackages.RepoRoot, "README.md"));

    [Fact]
    public void The_quick_start_works_as_written_from_pack_to_app_run_twice_to_the_tool_installed_from_the_same_folder()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the Quick start's shell steps and /dev/shm are Linux's");
        if (!Environment.IsPrivilegedProcess) // no private /dev/shm: the user's own demo.counter would be used
            Assert.False(File.Exists("/dev/shm/sharedstruct.demo.counter"), "delete the demo.counter segment first: sharedstruct delete demo.counter");

        var session = new QuickStartSession(packed, "quickstart");
        (bool succeeded, string output) = session.Run(Readme);
        Assert.True(succeeded, output);

        // The app: each `dotnet run` prints the line its README comment says, in order.
        string last = session.Outputs[^1];
        string[] expected = Readme.Split('\n')
            .Select(line => RunWithComment().Match(line.TrimEnd()))
            .Where(m => m.Success)
            .Select(m => m.Groups["prints"].Value)
            .ToArray();
        Assert.Equal(2, expected.Length);
        Assert.Equal(expected, last.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("hits:", StringComparison.Ordinal)));

        // The tool: installed into the temporary tool path from the packed folder, it read the segment and deleted it.
        Assert.True(File.Exists(Path.Combine(session.ToolPath, "sharedstruct")), $"no sharedstruct in {session.ToolPath}");
        Assert.Contains($"Tool 'sharedstruct.tool' (version '{packed.Version}') was successfully installed.", last);
        Assert.Matches(new Regex(@"^Hits\s+int64\s+0\s+8\s+4\s*$", RegexOptions.Multiline), last);
        Assert.Matches(new Regex("^Note +char\\[100\\] +12 +200 +\"hello\"\\s*$", RegexOptions.Multiline), last);
        Assert.Contains("Deleted segment \"demo.counter\"", last);
        if (!Environment.IsPrivilegedProcess)
            Assert.False(File.Exists("/dev/shm/sharedstruct.demo.counter"));

        // Nothing reached the user's NuGet cache: every restore and install used the test's private one.
        string userCache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in new[] { "sharedstruct", "sharedstruct.tool" })
            Assert.False(Directory.Exists(Path.Combine(userCache, id, packed.Version)), $"{id} {packed.Version} reached {userCache}");
        Assert.True(Directory.Exists(Path.Combine(packed.PackageCache, "sharedstruct", packed.Version)));
    }

    [Theory]
    [InlineData("struct before the statements", "error CS8803")] // top-level statements must precede type declarations
    [InlineData("no AllowUnsafeBlocks step", "error CS0227")]    // unsafe code requires AllowUnsafeBlocks
    public void The_quick_start_as_the_issue_found_it_fails_here(string flaw, string error)
    {
        // The twins: each of the two flaws the Quick start had when it did not compile as pasted. If these passed,
        // the test above could not tell a broken README from a good one.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the Quick start's shell steps are Linux's");
        ReadmeBlock[] blocks = [.. ReadmeQuickStart.Blocks(Readme)];
        string broken;
        if (flaw == "no AllowUnsafeBlocks step")
        {
            broken = Readme.Replace("```xml\n" + blocks.Single(b => b.Language == "xml").Text + "```\n", "", StringComparison.Ordinal);
            Assert.DoesNotContain(ReadmeQuickStart.Blocks(broken), b => b.Language == "xml");
        }
        else
        {
            string program = ReadmeQuickStart.ProgramBlock(Readme).Text;
            int declaration = program.IndexOf("[SharedSegment(", StringComparison.Ordinal);
            int statements = program.IndexOf("using CounterSegment", StringComparison.Ordinal);
            Assert.True(statements > 0 && declaration > statements, "the Quick start's program changed shape: update this twin");
            broken = Readme.Replace(program, program[..statements] + program[declaration..] + "\n" + program[statements..declaration], StringComparison.Ordinal);
        }
        Assert.NotEqual(Readme, broken);

        (bool succeeded, string output) = new QuickStartSession(packed, "quickstart-" + error[^6..]).Run(broken);
        Assert.False(succeeded);
        Assert.Contains(error, output);
    }

    [Fact]
    public void The_extraction_fails_loudly_when_the_quick_start_is_missing_or_its_pack_command_changed()
    {
        Assert.Throws<FormatException>(() => ReadmeQuickStart.Blocks(Readme.Replace(ReadmeQuickStart.Heading, "## Getting going", StringComparison.Ordinal)));
        string renamed = Readme.Replace(PackedPackages.PackCommand + " -o", "dotnet pack nuget/Other.csproj -c Release -o", StringComparison.Ordinal);
        Assert.NotEqual(Readme, renamed);
        Assert.Throws<FormatException>(() => new QuickStartSession(packed, "quickstart-renamed").Run(renamed));
    }

    [GeneratedRegex(@"^dotnet run\s+#\s*(?<prints>.+)$")]
    private static partial Regex RunWithComment();
}
