using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Analyzers.Tests.Infrastructure;
using SharedStruct.Generator;

namespace SharedStruct.Analyzers.Tests.Contract;

/// <summary>
/// The generator's promise, checked on one declaration: it emits code exactly when no error explains why it cannot.
/// "An error" is an Error from the SharedStruct analyzers or from the C# compiler on the declaration itself; errors
/// in the code that uses the struct (CS0117 and the like, the consequence of missing code) explain nothing.
/// </summary>
public static class ContractCheck
{
    public const string DeclarationPath = "/src/Declaration.cs";
    public const string UsagePath = "/src/Usage.cs";

    /// <summary>What one run saw.</summary>
    /// <param name="Generated">The generator emitted at least one file.</param>
    /// <param name="Explaining">The IDs of the errors that explain no code (analyzer errors, compiler errors on the declaration).</param>
    /// <param name="Remaining">Errors of the final compilation (declaration, usage and generated code) beyond the explaining ones.</param>
    public sealed record Outcome(bool Generated, IReadOnlyList<string> Explaining, IReadOnlyList<string> Remaining)
    {
        /// <summary>Null when the run keeps the contract; otherwise what broke it.</summary>
        public string? Violation =>
            Generated && Explaining.Count > 0 ? $"code was generated although errors say it cannot be: {string.Join(", ", Explaining)}"
            : !Generated && Explaining.Count == 0 ? $"no code was generated and no error says why; the build shows only: {Show(Remaining)}"
            : Generated && Remaining.Count > 0 ? $"the generated code does not compile: {Show(Remaining)}"
            : null;

        private static string Show(IReadOnlyList<string> errors) => errors.Count == 0 ? "(nothing)" : string.Join("; ", errors);
    }

    public static Outcome Run(string declaration, string usage) =>
        Run(declaration, usage, TestCompilation.Analyzers, new SharedSegmentGenerator());

    /// <summary>The same with other analyzers or another generator: the tests of this check feed it broken ones.</summary>
    public static Outcome Run(string declaration, string usage, ImmutableArray<DiagnosticAnalyzer> analyzers, IIncrementalGenerator generator)
    {
        const string Usings = "using System;\nusing System.Runtime.CompilerServices;\nusing System.Runtime.InteropServices;\nusing SharedStruct;\n";
        CSharpCompilation input = CSharpCompilation.Create("ContractSubject",
            [
                CSharpSyntaxTree.ParseText(Usings + declaration, TestCompilation.ParseOptions, DeclarationPath),
                CSharpSyntaxTree.ParseText(Usings + usage, TestCompilation.ParseOptions, UsagePath),
            ],
            TestCompilation.References, TestCompilation.Options);

        GeneratorDriver driver = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        bool generated = !result.GeneratedSources.IsEmpty;

        var explaining = input.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath == DeclarationPath)
            .Select(d => d.Id)
            .ToList();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        explaining.AddRange(output.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.Id));

        var remaining = output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && !explaining.Contains(d.Id))
            .Select(d => d.Id + " " + d.GetMessage(CultureInfo.InvariantCulture))
            .ToList();
        return new Outcome(generated, explaining.Distinct().Order().ToList(), remaining);
    }
}
