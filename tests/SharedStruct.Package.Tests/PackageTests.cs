using System.IO;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// The core package as a stranger meets it: fresh projects in a temporary folder that reference only the package,
/// built as a user would; two processes of one share a struct, another fails to build with the analyzer's error. The
/// first also builds README's Quick start program with the lines the README adds to it
/// (<see cref="ReadmeQuickStart.ProgramContinued"/>), warnings as errors.
/// </summary>
public sealed class PackageTests(PackedPackages packed)
{
    private static readonly string ReadmePath = Path.Combine(PackedPackages.RepoRoot, "README.md");
    private static readonly string Readme = File.ReadAllText(ReadmePath);

    [Fact]
    public void A_fresh_project_referencing_only_the_package_gets_the_api_and_two_processes_share_a_struct_and_a_string_field_fails_the_build()
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

        string bad = packed.CreateConsumer("BadConsumer", """
            using SharedStruct;

            System.Console.WriteLine("unreachable");

            [SharedSegment("consumer.bad")]
            public partial struct Profile
            {
                public long Id;
                public string Name;
            }
            """, ("SharedStruct", null));
        (int exit, string output) = packed.Runner.RunAllowingFailure(bad, "dotnet", "build -c Release");
        Assert.NotEqual(0, exit);
        Assert.Contains("error SST0002", output);
        Assert.Contains("fixed char", output); // the message says what to use instead
    }
}
