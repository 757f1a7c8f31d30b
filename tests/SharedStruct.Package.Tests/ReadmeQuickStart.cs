using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace SharedStruct.Tests;

/// <summary>
/// README's "## Quick start": its blocks in order, the app's Program.cs, and the C# lines the section adds to that
/// program afterwards (continuations).
/// </summary>
public static partial class ReadmeQuickStart
{
    public const string Heading = "## Quick start";

    public static IReadOnlyList<ReadmeBlock> Blocks(string readme) => ReadmeBlocks.InSection(readme, Heading);

    /// <summary>The first csharp block: the app's Program.cs, which <see cref="QuickStartSession"/> writes and the README's own <c>dotnet run</c> builds.</summary>
    public static ReadmeBlock ProgramBlock(string readme) =>
        Blocks(readme).FirstOrDefault(b => b.Language == "csharp") ?? throw new FormatException("the Quick start has no csharp block for Program.cs");

    /// <summary>
    /// Every later csharp block: lines the README adds to the end of Program.cs's statements. The session does not add
    /// them (the two runs print what the README says they print); <see cref="PackageTests"/>' consumer builds them, in
    /// <see cref="ProgramContinued"/>.
    /// </summary>
    public static IReadOnlyList<ReadmeBlock> Continuations(string readme) =>
        Blocks(readme).Where(b => b.Language == "csharp").Skip(1).ToArray();

    /// <summary>
    /// Program.cs with every continuation after its statements, as a file that compiles beside another program's
    /// top-level statements: the using directives first, then the statements and the continuations as the body of a
    /// method nothing calls, then the program's type declarations. <c>#line</c> directives point every error at the
    /// README's line (in <paramref name="readmePath"/>).
    /// </summary>
    public static string ProgramContinued(string readme, string readmePath = "README.md")
    {
        ReadmeBlock program = ProgramBlock(readme);
        string[] lines = program.Text.TrimEnd('\n').Split('\n');
        int statements = 0;
        while (statements < lines.Length && (lines[statements].Trim().Length == 0 || UsingDirective().IsMatch(lines[statements])))
            statements++;
        int types = Array.FindIndex(lines, statements, l => TypeDeclaration().IsMatch(l));
        if (types < 0)
            throw new FormatException($"the Quick start's Program.cs declares no type after its statements; {nameof(ProgramContinued)} expects directives, statements, types:\n{program.Text}");

        var file = new StringBuilder();
        file.Append($"#line {program.Line} \"{readmePath}\"\n");
        foreach (string line in lines[..statements])
            file.Append(line).Append('\n');
        file.Append("#line default\n")
            .Append("// README.md's Quick start: Program.cs, then the lines the README adds to its statements.\n")
            .Append("internal static class ReadmeQuickStartContinued\n{\n    private static void Run()\n    {\n")
            .Append($"#line {program.Line + statements} \"{readmePath}\"\n");
        foreach (string line in lines[statements..types])
            file.Append(line).Append('\n');
        foreach (ReadmeBlock continuation in Continuations(readme))
            file.Append($"#line {continuation.Line} \"{readmePath}\"\n").Append(continuation.Text);
        file.Append("#line default\n    }\n}\n")
            .Append($"#line {program.Line + types} \"{readmePath}\"\n");
        foreach (string line in lines[types..])
            file.Append(line).Append('\n');
        return file.ToString();
    }

    [GeneratedRegex(@"^(global\s+)?using\s+(static\s+)?[\w.]+(\s*=\s*[^;]+)?;\s*(//.*)?$")]
    private static partial Regex UsingDirective();

    // A line that starts a type (or namespace) declaration at the left margin, attributes included; a statement such as
    // `using CounterSegment seg = ...` or `unsafe { ... }` does not match.
    [GeneratedRegex(@"^(\[|(public|internal|namespace)\s|((partial|unsafe|readonly|static|sealed|abstract|ref|file)\s+)*(struct|class|record|enum|interface)\s)")]
    private static partial Regex TypeDeclaration();
}
