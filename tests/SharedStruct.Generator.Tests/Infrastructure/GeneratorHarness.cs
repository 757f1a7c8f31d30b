using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStruct.Generator;
using SharedStruct.Tests.Roslyn;
using Xunit;

namespace SharedStruct.Generator.Tests.Infrastructure;

/// <summary>Runs the generator over in-memory sources, the way the compiler does, at a chosen language version.</summary>
internal static class GeneratorHarness
{
    /// <summary>Warnings user test sources may raise (they are not the generated code's business).</summary>
    private static readonly HashSet<string> UserSourceNoise = new() { "CS0649", "CS0169", "CS0414", "CS1591" };

    /// <summary>The running framework's assemblies plus the real SharedStruct runtime (one list for all Roslyn tests).</summary>
    public static ImmutableArray<MetadataReference> References => RoslynReferences.All;

    public static CSharpParseOptions ParseOptions(LanguageVersion version) =>
        new CSharpParseOptions(version, DocumentationMode.Diagnose);

    public static CSharpCompilation Compilation(LanguageVersion version, params string[] sources) =>
        CSharpCompilation.Create(
            "SnapshotSubject",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions(version), path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                generalDiagnosticOption: ReportDiagnostic.Default));

    public static GeneratorDriver Driver(LanguageVersion version, bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new SharedSegmentGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions(version),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; fails if it reports diagnostics (it never should) or throws.</summary>
    public static (Compilation Output, GeneratorRunResult Result) Run(CSharpCompilation compilation, LanguageVersion version)
    {
        GeneratorDriver driver = Driver(version).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        Assert.Empty(diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        return (output, result);
    }

    /// <summary>
    /// Runs the generator and compiles the result, failing on any error anywhere and any warning in generated code
    /// (or any warning in the user source beyond unused-field and missing-doc noise).
    /// </summary>
    public static GeneratorRunResult RunAndCompile(LanguageVersion version, params string[] sources)
    {
        CSharpCompilation compilation = Compilation(version, sources);
        (Compilation output, GeneratorRunResult result) = Run(compilation, version);
        var generatedTrees = new HashSet<SyntaxTree>(result.GeneratedSources.Select(s => s.SyntaxTree));
        var problems = output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning
                    && (d.Location.SourceTree is null || generatedTrees.Contains(d.Location.SourceTree) || !UserSourceNoise.Contains(d.Id))))
            .ToList();
        Assert.True(problems.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(d => d.ToString())));
        return result;
    }
}
