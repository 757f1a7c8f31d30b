using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Does what README's Quick start says, block by block, in a temporary folder laid out as the README assumes: a clone
/// (the working directory of the first command) with the packed folder beside it. Bash blocks run as written in bash;
/// the xml block goes into the app's project file's PropertyGroup; the first csharp block becomes the app's Program.cs.
/// Later csharp blocks add lines to that program: the session leaves them out, so the two runs print what the README
/// says, and <see cref="PackageTests"/> builds them (<see cref="ReadmeQuickStart.ProgramContinued"/>).
/// Only two things differ from a user's machine, and they are checked, not assumed:
/// <list type="bullet">
/// <item>The pack command is not run again (the assembly's one pack, with <c>--no-build</c>, stands for it); its
/// output folder is taken from the README.</item>
/// <item><c>dotnet tool install --global</c> becomes <c>--tool-path &lt;temporary folder&gt;</c>, which is put on PATH,
/// so the user's global tools are never touched.</item>
/// </list>
/// Every bash block after Program.cs is written runs in one script, in a private /dev/shm when the test runs as root (a
/// mount namespace of its own), so a demo.counter of a parallel run or of the user is never shared or deleted.
/// </summary>
public sealed partial class QuickStartSession(PackedPackages packed, string name)
{
    private readonly List<string> _outputs = [];

    /// <summary>The output of each shell step, in order (the blocks after Program.cs are one step).</summary>
    public IReadOnlyList<string> Outputs => _outputs;

    /// <summary>The folder the README's <c>dotnet tool install</c> installs into.</summary>
    public string ToolPath { get; private set; } = "";

    /// <summary>Runs the Quick start of <paramref name="readme"/>; false (with the output) when a step fails.</summary>
    public (bool Succeeded, string Output) Run(string readme)
    {
        IReadOnlyList<ReadmeBlock> blocks = ReadmeQuickStart.Blocks(readme);
        string root = packed.NewFolder(name);
        ToolPath = Path.Combine(root, "tools");
        string directory = Directory.CreateDirectory(Path.Combine(root, "sharedstruct")).FullName;

        string feed = Path.GetFullPath(Path.Combine(directory, PackOutput(blocks[0])));
        Directory.CreateDirectory(feed);
        foreach (string package in Directory.GetFiles(packed.Feed, "*.nupkg"))
            File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));

        int programAt = -1;
        for (int i = 1; i < blocks.Count; i++)
        {
            ReadmeBlock block = blocks[i];
            switch (block.Language)
            {
                case "bash" or "csharp" when programAt >= 0:
                    break; // with the rest, below
                case "bash":
                    if (!RunShell(ref directory, block.Text, privateShm: false, out string failure))
                        return (false, failure);
                    break;
                case "xml":
                    AddToPropertyGroup(directory, block.Text);
                    break;
                case "csharp":
                    File.WriteAllText(Path.Combine(directory, "Program.cs"), block.Text);
                    programAt = i;
                    break;
                default:
                    throw new FormatException($"a Quick start block in '{block.Language}' says nothing this test knows how to do");
            }
        }
        if (programAt < 0)
            throw new FormatException("the Quick start has no csharp block for Program.cs");
        string rest = string.Join("\n", blocks.Skip(programAt + 1).Where(b => b.Language != "csharp").Select(b => b.Language == "bash" ? b.Text
            : throw new FormatException($"after Program.cs the Quick start must be shell commands and lines for Program.cs only, not '{b.Language}'")));
        return RunShell(ref directory, rest, privateShm: true, out string error) ? (true, string.Join("\n", _outputs)) : (false, error);
    }

    private static string PackOutput(ReadmeBlock first)
    {
        Match match = PackLine().Match(first.Text.Trim());
        if (first.Language != "bash" || !match.Success || match.Groups["command"].Value != PackedPackages.PackCommand)
            throw new FormatException($"the Quick start's first block must be the one line '{PackedPackages.PackCommand} -o <folder>', not:\n{first.Text}");
        return match.Groups["folder"].Value;
    }

    private bool RunShell(ref string directory, string script, bool privateShm, out string failure)
    {
        string[] installs = script.Split('\n').Where(l => l.Contains("dotnet tool install", StringComparison.Ordinal)).ToArray();
        if (installs.Any(l => !l.Contains(" --global ", StringComparison.Ordinal)))
            throw new FormatException("every 'dotnet tool install' in the Quick start must say --global (the test installs into a temporary --tool-path instead)");
        if (script.Contains("dotnet pack", StringComparison.Ordinal))
            throw new FormatException("only the Quick start's first block may pack");
        script = script.Replace(" --global ", $" --tool-path '{ToolPath}' ", StringComparison.Ordinal);

        string state = Path.Combine(packed.NewFolder($"{name}-step{_outputs.Count}"), "pwd");
        string file = state + ".sh";
        File.WriteAllText(file, script + $"\npwd > '{state}'\n");
        var environment = new Dictionary<string, string> { ["PATH"] = ToolPath + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") };
        (int exit, string output) = privateShm && Environment.IsPrivilegedProcess
            ? packed.Runner.RunAllowingFailure(directory, "unshare",
                ["--mount", "--propagation", "private", "--", "bash", "-c",
                 "mount -t tmpfs -o size=64m,mode=1777 quickstart /dev/shm && exec bash -euo pipefail \"$0\"", file], environment)
            : packed.Runner.RunAllowingFailure(directory, "bash", ["-euo", "pipefail", file], environment);
        _outputs.Add(output);
        failure = $"this Quick start step failed with {exit}:\n{script}\n--- output:\n{output}";
        if (exit != 0)
            return false;
        directory = File.ReadAllText(state).Trim();
        return true;
    }

    private static void AddToPropertyGroup(string directory, string xml)
    {
        string project = Assert.Single(Directory.GetFiles(directory, "*.csproj"));
        string text = File.ReadAllText(project);
        int at = text.IndexOf("</PropertyGroup>", StringComparison.Ordinal);
        Assert.True(at >= 0, $"{project} has no PropertyGroup");
        var lines = new StringBuilder();
        foreach (string line in xml.TrimEnd().Split('\n'))
            lines.Append("  ").Append(line).Append('\n');
        File.WriteAllText(project, text[..at] + lines + "  " + text[at..]);
    }

    [GeneratedRegex(@"^(?<command>.+?) -o (?<folder>\S+)$")]
    private static partial Regex PackLine();
}
