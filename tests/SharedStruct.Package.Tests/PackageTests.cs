using System;
using System.IO;
using System.Linq;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// The core package as a stranger meets it: fresh projects in a temporary folder that reference only the package,
/// built as a user would; two processes of one share a struct, another fails to build with the analyzers' errors. The
/// first also builds README's Quick start program with the lines the README adds to it
/// (<see cref="ReadmeQuickStart.ProgramContinued"/>), warnings as errors.
/// </summary>
public sealed class PackageTests(PackedPackages packed)
{
    private static readonly string ReadmePath = Path.Combine(PackedPackages.RepoRoot, "README.md");
    private static readonly string Readme = File.ReadAllText(ReadmePath);

    [Fact]
    public void A_fresh_project_referencing_only_the_package_gets_the_api_and_two_processes_share_a_struct_and_string_DateTimeOffset_and_nint_fields_fail_the_build_with_errors_that_say_why()
    {
        string good = packed.CreateConsumer("Consumer", """
            using System;
            using SharedStruct;

            string segmentDirectory = args[1];
            var options = new SharedSegmentOptions { Directory = segmentDirectory };
            if (args[0] == "write")
            {
                using ScoreboardSegment board = Scoreboard.Open(options);
                using (var guard = board.Lock(TimeSpan.FromSeconds(1)))
                    guard.Value.Points = 1234;
                board.Title = "from the writer";
                board.AddPoints(1);
                Console.WriteLine("wrote");
            }
            else
            {
                using ScoreboardSegment board = Scoreboard.OpenExisting(options);
                Console.WriteLine($"points={board.Points} title={board.Title} creator={board.IsCreator}");
                board.Delete();
            }

            [SharedSegment("consumer.scoreboard")]
            public unsafe partial struct Scoreboard
            {
                public long Points;
                public fixed char Title[32];
            }
            """, ("SharedStruct", null));
        File.WriteAllText(Path.Combine(good, "ReadmeQuickStart.cs"), ReadmeQuickStart.ProgramContinued(Readme, ReadmePath));
        packed.Runner.Run(good, "dotnet", "build -c Release -warnaserror");
        string dll = Path.Combine(good, "bin", "Release", "net10.0", "Consumer.dll");
        string segments = packed.NewFolder("segments");
        Assert.Equal("wrote", packed.Runner.Run(good, "dotnet", $"\"{dll}\" write \"{segments}\"").Trim());
        Assert.Equal("points=1235 title=from the writer creator=False", packed.Runner.Run(good, "dotnet", $"\"{dll}\" read \"{segments}\"").Trim());
        Assert.Empty(Directory.GetFileSystemEntries(segments));

        // One build for three rejected structs (each a build of its own would add a minute). This one compiles against
        // reference assemblies, as a user's does: the in-memory analyzer tests compile against the implementation.
        string bad = packed.CreateConsumer("BadConsumer", """
            using System;
            using SharedStruct;

            Console.WriteLine("unreachable");

            [SharedSegment("consumer.bad")]
            public partial struct Profile
            {
                public long Id;
                public string Name;
            }

            [SharedSegment("consumer.stamp")]
            public partial struct Stamp
            {
                public long Id;
                public DateTimeOffset Happened;
            }

            [SharedSegment("consumer.handle")]
            public partial struct Native
            {
                public long Id;
                public nint Handle;
            }
            """, ("SharedStruct", null));
        (int exit, string output) = packed.Runner.RunAllowingFailure(bad, "dotnet", "build -c Release");
        Assert.NotEqual(0, exit);
        Assert.Contains("fixed char", ErrorLine(output, "SST0002")); // the message says what to use instead
        Assert.Contains("UtcTicks", ErrorLine(output, "SST0004", "'Happened'")); // the concrete alternative to DateTimeOffset
        ErrorLine(output, "SST0003", "'Handle'");
        // No code and an error that says why: never the bare "does not contain a definition" of issue 11.
        Assert.DoesNotContain("CS0117", output);

        // The twin, in the same project (restored already): with the errors silenced in .editorconfig, which a user
        // can do, a use of the missing API fails with exactly that bare CS0117, so the check above can fail.
        File.WriteAllText(Path.Combine(bad, ".editorconfig"), """
            root = true
            [*.cs]
            dotnet_diagnostic.SST0002.severity = none
            dotnet_diagnostic.SST0003.severity = none
            dotnet_diagnostic.SST0004.severity = none
            """);
        string program = Path.Combine(bad, "Program.cs");
        File.WriteAllText(program, File.ReadAllText(program).Replace(
            "Console.WriteLine(\"unreachable\");", "using var stamp = Stamp.Open();", StringComparison.Ordinal));
        (int silencedExit, string silenced) = packed.Runner.RunAllowingFailure(bad, "dotnet", "build -c Release");
        Assert.NotEqual(0, silencedExit);
        Assert.Contains("error CS0117", silenced);
        Assert.DoesNotContain("error SST", silenced);
    }

    /// <summary>The first line of <paramref name="output"/> with the error <paramref name="id"/> (and <paramref name="naming"/>).</summary>
    private static string ErrorLine(string output, string id, string naming = "") =>
        output.Split('\n').FirstOrDefault(line => line.Contains($"error {id}", StringComparison.Ordinal) && line.Contains(naming, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no 'error {id}' naming {naming} in the build output:\n{output}");
}
