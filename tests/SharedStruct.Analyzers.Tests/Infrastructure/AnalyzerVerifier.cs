using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace SharedStruct.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs both analyzers over marked-up source and asserts the exact set of SharedStruct diagnostics: one per
/// <c>{|ID:text|}</c> span, none elsewhere, each with the message its arguments produce.
/// </summary>
public static class AnalyzerVerifier
{
    /// <param name="markup">The test file, with one <c>{|ID:text|}</c> per expected diagnostic.</param>
    /// <param name="arguments">The message arguments of each marked diagnostic, in source order.</param>
    public static void Verify(string markup, params object[][] arguments) =>
        Verify(markup, extraFiles: [], allowedCompilerErrors: [], arguments);

    public static void Verify(string markup, (string Path, string Text)[] extraFiles, string[] allowedCompilerErrors, params object[][] arguments)
    {
        (string source, IReadOnlyList<MarkedSpan> spans) = Markup.Parse(markup);
        Assert.True(spans.Count == arguments.Length,
            $"The test marks {spans.Count} diagnostics but gives arguments for {arguments.Length}.");
        Compilation compilation = TestCompilation.Create(source, extraFiles);

        Diagnostic[] compilerErrors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && !allowedCompilerErrors.Contains(d.Id))
            .ToArray();
        Assert.True(compilerErrors.Length == 0, "The test source does not compile:\n" + string.Join("\n", compilerErrors.Select(d => d.ToString())));

        ImmutableArray<Diagnostic> actual = TestCompilation.AnalyzerDiagnostics(compilation);
        var expected = spans.Select((s, i) => Describe(TestCompilation.TestFilePath, s.Id, s.Span, source.Substring(s.Span.Start, s.Span.Length),
            string.Format(CultureInfo.InvariantCulture, TestCompilation.Descriptor(s.Id).MessageFormat.ToString(CultureInfo.InvariantCulture), arguments[i]))).ToArray();
        var got = actual.Select(d => Describe(d.Location.SourceTree?.FilePath ?? "", d.Id, d.Location.SourceSpan,
            d.Location.SourceTree?.GetText().ToString(d.Location.SourceSpan) ?? "", d.GetMessage(CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal(string.Join("\n", expected), string.Join("\n", got));
    }

    private static string Describe(string path, string id, Microsoft.CodeAnalysis.Text.TextSpan span, string text, string message) =>
        $"{id} {path}[{span.Start}..{span.End}) '{text}': {message}";
}
