using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Analyzers.Declarations;
using SharedStruct.Analyzers.Usage;

namespace SharedStruct.Analyzers.Tests.Infrastructure;

/// <summary>Builds compilations the way a consumer project looks: the .NET 10 framework plus the real SharedStruct.Runtime.</summary>
public static class TestCompilation
{
    public const string TestFilePath = "/src/Test.cs";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions Options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithAllowUnsafe(true)
        .WithNullableContextOptions(NullableContextOptions.Enable);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        string[] framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = framework
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "mscorlib.dll" or "netstandard.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(SharedSegmentAttribute).Assembly.Location));
        return references.ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        ImmutableArray.Create<DiagnosticAnalyzer>(new SharedSegmentDeclarationAnalyzer(), new SegmentUsageAnalyzer(), new LargeSnapshotAnalyzer(), new RollbackBypassAnalyzer());

    public static CSharpCompilation Create(string source, IEnumerable<(string Path, string Text)>? extraFiles = null)
    {
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(source, ParseOptions, TestFilePath) };
        foreach ((string path, string text) in extraFiles ?? [])
            trees.Add(CSharpSyntaxTree.ParseText(text, ParseOptions, path));
        return CSharpCompilation.Create("TestAssembly", trees, References, Options);
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
