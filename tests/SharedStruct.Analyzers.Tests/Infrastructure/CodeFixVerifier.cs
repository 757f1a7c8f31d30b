using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace SharedStruct.Analyzers.Tests.Infrastructure;

/// <summary>
/// Applies a code fix in a real workspace: input markup (marking exactly the diagnostics the fix's IDs report) →
/// expected text, then checks that the fixed code compiles and no longer has the diagnostic.
/// </summary>
public static class CodeFixVerifier
{
    /// <summary>Fixes the marked diagnostics one at a time, re-analysing after each, as a user clicking each light bulb.</summary>
    public static Task VerifyAsync<TFix>(string markup, string expected, (string Path, string Text)[]? extraFiles = null)
        where TFix : CodeFixProvider, new() => RunAsync<TFix>(markup, expected, extraFiles ?? TestCompilation.CounterFiles, fixAll: false);

    /// <summary>Fixes every marked diagnostic of the document with one Fix All.</summary>
    public static Task VerifyFixAllAsync<TFix>(string markup, string expected, (string Path, string Text)[]? extraFiles = null)
        where TFix : CodeFixProvider, new() => RunAsync<TFix>(markup, expected, extraFiles ?? TestCompilation.CounterFiles, fixAll: true);

    /// <summary>Asserts that the marked diagnostics are reported but the fix offers nothing for them.</summary>
    public static async Task VerifyNoFixAsync<TFix>(string markup, (string Path, string Text)[]? extraFiles = null)
        where TFix : CodeFixProvider, new()
    {
        var fix = new TFix();
        (Document document, ImmutableArray<Diagnostic> diagnostics) = await SetUpAsync(markup, extraFiles ?? TestCompilation.CounterFiles, fix);
        Assert.NotEmpty(diagnostics);
        foreach (Diagnostic diagnostic in diagnostics)
            Assert.Empty(await ActionsAsync(fix, document, diagnostic));
    }

    private static async Task RunAsync<TFix>(string markup, string expected, (string Path, string Text)[] extraFiles, bool fixAll)
        where TFix : CodeFixProvider, new()
    {
        var fix = new TFix();
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        (Document document, ImmutableArray<Diagnostic> diagnostics) = await SetUpAsync(markup, extraFiles, fix);
        Assert.NotEmpty(diagnostics);

        if (fixAll)
        {
            CodeAction first = (await ActionsAsync(fix, document, diagnostics[0])).First();
            FixAllProvider provider = fix.GetFixAllProvider()!;
            var context = new FixAllContext(document, fix, FixAllScope.Document, first.EquivalenceKey,
                fix.FixableDiagnosticIds, new FixedDiagnostics(diagnostics), cancellationToken);
            CodeAction? all = await provider.GetFixAsync(context);
            Assert.NotNull(all);
            document = await ApplyAsync(all!, document);
        }
        else
        {
            // Fix, re-analyse, fix the next one: each step sees the code the previous fix produced.
            for (int step = 0; step < 20; step++)
            {
                ImmutableArray<Diagnostic> remaining = await FixableDiagnosticsAsync(document, fix);
                if (remaining.IsEmpty)
                    break;
                IReadOnlyList<CodeAction> actions = await ActionsAsync(fix, document, remaining[0]);
                Assert.True(actions.Count == 1, $"Expected one code action for {remaining[0]}, got {actions.Count}.");
                document = await ApplyAsync(actions[0], document);
            }
        }

        string actual = (await document.GetTextAsync(cancellationToken)).ToString();
        Assert.Equal(expected.ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));

        Compilation fixedCompilation = (await document.Project.GetCompilationAsync(cancellationToken))!;
        Diagnostic[] errors = fixedCompilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The fixed code does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));
        Assert.Empty(await FixableDiagnosticsAsync(document, fix));
    }

    private static async Task<(Document, ImmutableArray<Diagnostic>)> SetUpAsync(string markup, (string Path, string Text)[] extraFiles, CodeFixProvider fix)
    {
        (string source, IReadOnlyList<MarkedSpan> spans) = Markup.Parse(markup);
        var workspace = new AdhocWorkspace();
        ProjectInfo projectInfo = ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Create(), "Test", "TestAssembly", LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options, parseOptions: TestCompilation.ParseOptions, metadataReferences: TestCompilation.References);
        Project project = workspace.AddProject(projectInfo);
        foreach ((string path, string text) in extraFiles)
            project = project.AddDocument(path, SourceText.From(text), filePath: path).Project;
        // What the real generator emits for the code before the fix, added as documents: a workspace has no in-memory
        // generator reference. No fix changes a payload that other code uses, so the generated code stays right.
        foreach ((string path, string text) in TestCompilation.Generated(TestCompilation.Create(source, extraFiles)))
            project = project.AddDocument(path, SourceText.From(text), filePath: path).Project;
        Document document = project.AddDocument("Test.cs", SourceText.From(source), filePath: TestCompilation.TestFilePath);

        ImmutableArray<Diagnostic> diagnostics = await FixableDiagnosticsAsync(document, fix);
        string Describe(string id, TextSpan span) => $"{id} [{span.Start}..{span.End}) '{source.Substring(span.Start, span.Length)}'";
        Assert.Equal(
            string.Join("\n", spans.Select(s => Describe(s.Id, s.Span))),
            string.Join("\n", diagnostics.Select(d => Describe(d.Id, d.Location.SourceSpan))));
        return (document, diagnostics);
    }

    /// <summary>The test file's diagnostics with an ID the fix handles, in source order.</summary>
    private static async Task<ImmutableArray<Diagnostic>> FixableDiagnosticsAsync(Document document, CodeFixProvider fix)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync(TestContext.Current.CancellationToken))!;
        return [.. TestCompilation.AnalyzerDiagnostics(compilation)
            .Where(d => fix.FixableDiagnosticIds.Contains(d.Id) && d.Location.SourceTree?.FilePath == TestCompilation.TestFilePath)];
    }

    private static async Task<IReadOnlyList<CodeAction>> ActionsAsync(CodeFixProvider fix, Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), TestContext.Current.CancellationToken);
        await fix.RegisterCodeFixesAsync(context);
        return actions;
    }

    private static async Task<Document> ApplyAsync(CodeAction action, Document document)
    {
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(TestContext.Current.CancellationToken);
        Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return changed.GetDocument(document.Id)!;
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>([]);
    }
}
