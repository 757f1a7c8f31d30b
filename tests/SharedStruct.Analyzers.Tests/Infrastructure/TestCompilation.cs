using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Analyzers.Declarations;
using SharedStruct.Analyzers.Timeouts;
using SharedStruct.Analyzers.Usage;
using SharedStruct.Generator;
using SharedStruct.Tests.Roslyn;

namespace SharedStruct.Analyzers.Tests.Infrastructure;

/// <summary>Builds compilations the way a consumer project looks: the .NET 10 framework plus the real SharedStruct.Runtime.</summary>
public static class TestCompilation
{
    public const string TestFilePath = "/src/Test.cs";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions Options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithAllowUnsafe(true)
        .WithNullableContextOptions(NullableContextOptions.Enable);

    /// <summary>The one reference list of all Roslyn tests.</summary>
    public static ImmutableArray<MetadataReference> References => RoslynReferences.All;

    /// <summary>The Counter payload every usage test works on; the real generator emits its CounterSegment.</summary>
    public static (string Path, string Text)[] CounterFiles => [(CounterSource.Path, CounterSource.Text)];

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        ImmutableArray.Create<DiagnosticAnalyzer>(new SharedSegmentDeclarationAnalyzer(), new SegmentUsageAnalyzer(), new TimeoutAnalyzer(), new LargeSnapshotAnalyzer(), new RollbackBypassAnalyzer());

    /// <summary>
    /// The test source and extra files, plus what the real generator emits for them (as a consumer's build would have
    /// it), each generated file under <c>/obj/generated/</c>.
    /// </summary>
    public static CSharpCompilation Create(string source, IEnumerable<(string Path, string Text)>? extraFiles = null)
    {
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(source, ParseOptions, TestFilePath) };
        foreach ((string path, string text) in extraFiles ?? [])
            trees.Add(CSharpSyntaxTree.ParseText(text, ParseOptions, path));
        CSharpCompilation compilation = CSharpCompilation.Create("TestAssembly", trees, References, Options);
        foreach ((string path, string text) in Generated(compilation))
            compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(text, ParseOptions, path));
        return compilation;
    }

    /// <summary>The files the real generator emits for a compilation.</summary>
    public static (string Path, string Text)[] Generated(Compilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new SharedSegmentGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null)
            throw new InvalidOperationException("The generator threw.", result.Exception);
        return [.. result.GeneratedSources.Select(s => ("/obj/generated/" + s.HintName, s.SourceText.ToString()))];
    }

    /// <summary>All SharedStruct diagnostics, in source order.</summary>
    public static ImmutableArray<Diagnostic> AnalyzerDiagnostics(Compilation compilation)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        ImmutableArray<Diagnostic> all = compilation.WithAnalyzers(Analyzers, options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return [.. all.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    public static DiagnosticDescriptor Descriptor(string id) =>
        Analyzers.SelectMany(a => a.SupportedDiagnostics).First(d => d.Id == id);
}
