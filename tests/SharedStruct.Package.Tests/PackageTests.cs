using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// The package as a stranger meets it: pack it, create fresh projects in a temporary folder that reference only the
/// package, build them as a user would, run two processes of one, and see another fail to build with the analyzer.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly string RepoRoot = FindRepoRoot();
    private readonly TempDirectory _work = new();
    private readonly string _version = "0.1.0-test." + Guid.NewGuid().ToString("N").Substring(0, 8);

    public void Dispose() => _work.Dispose();

    [Fact]
    public void A_fresh_project_referencing_only_the_package_gets_the_api_and_two_processes_share_a_struct_and_a_string_field_fails_the_build()
    {
        string feed = Directory.CreateDirectory(_work.File("feed")).FullName;
        Run(RepoRoot, "dotnet", $"pack nuget/SharedStruct.Package.csproj -c Release --no-build -o \"{feed}\" -p:PackageVersion={_version}");
        string package = Path.Combine(feed, $"SharedStruct.{_version}.nupkg");
        AssertPackageLayout(package);

        // A NuGet.config that adds the packed folder to what restore normally uses (no <clear/>), and a private
        // package cache so this test's versions never reach the machine's.
        File.WriteAllText(_work.File("NuGet.config"),
            $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <add key=\"sharedstruct-test\" value=\"{feed}\" />\n  </packageSources>\n  <config>\n    <add key=\"globalPackagesFolder\" value=\"{_work.File("packages")}\" />\n  </config>\n</configuration>\n");

        string good = CreateProject("Consumer", """
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
            """);
        Run(good, "dotnet", "build -c Release -warnaserror");
        string dll = Path.Combine(good, "bin", "Release", "net10.0", "Consumer.dll");
        string segments = Directory.CreateDirectory(_work.File("segments")).FullName;
        Assert.Equal("wrote", Run(good, "dotnet", $"\"{dll}\" write \"{segments}\"").Trim());
        Assert.Equal("points=1235 title=from the writer creator=False", Run(good, "dotnet", $"\"{dll}\" read \"{segments}\"").Trim());
        Assert.Empty(Directory.GetFileSystemEntries(segments));

        string bad = CreateProject("BadConsumer", """
            using SharedStruct;

            System.Console.WriteLine("unreachable");

            [SharedSegment("consumer.bad")]
            public partial struct Profile
            {
                public long Id;
                public string Name;
            }
            """);
        (int exit, string output) = RunAllowingFailure(bad, "dotnet", "build -c Release");
        Assert.NotEqual(0, exit);
        Assert.Contains("error SST0002", output);
        Assert.Contains("fixed char", output); // the message says what to use instead
    }

    private static void AssertPackageLayout(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        foreach (string expected in new[]
        {
            "lib/net8.0/SharedStruct.Runtime.dll", "lib/net8.0/SharedStruct.Runtime.xml",
            "lib/net10.0/SharedStruct.Runtime.dll", "lib/net10.0/SharedStruct.Runtime.xml",
            "analyzers/dotnet/cs/SharedStruct.Generator.dll", "analyzers/dotnet/cs/SharedStruct.Analyzers.dll",
            "analyzers/dotnet/cs/SharedStruct.CodeFixes.dll", "README.md",
        })
            Assert.Contains(expected, entries);
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string text = nuspec.ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", text);
        Assert.Contains("<repository type=\"git\"", text);
        Assert.Contains("<readme>README.md</readme>", text);
    }

    private string CreateProject(string name, string program)
    {
        string dir = Directory.CreateDirectory(_work.File(name)).FullName;
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SharedStruct" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    private string Run(string directory, string file, string arguments)
    {
        (int exit, string output) = RunAllowingFailure(directory, file, arguments);
        Assert.True(exit == 0, $"'{file} {arguments}' failed with {exit}:\n{output}");
        return output;
    }

    private (int Exit, string Output) RunAllowingFailure(string directory, string file, string arguments)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The fresh projects must not see this repository's build settings, and must leave nothing behind.
        info.Environment["TMPDIR"] = Directory.CreateDirectory(_work.File("tmp")).FullName;
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.Environment["UseSharedCompilation"] = "false"; // no compiler server outliving the test
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {arguments}' did not finish in 5 minutes:\n{output}");
        }
        // Output events may trail the exit by a moment; do not wait for end-of-file (a server process could hold it).
        Thread.Sleep(200);
        lock (output)
            return (process.ExitCode, output.ToString());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharedStruct.sln")))
                return dir.FullName;
        throw new InvalidOperationException("the repository root (SharedStruct.sln) was not found above the test's folder");
    }
}
