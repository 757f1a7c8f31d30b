using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace SharedStruct.Analyzers.Tests.Infrastructure;

/// <summary>A diagnostic expected at a span: <c>{|SST0002:Name|}</c> in test source.</summary>
public sealed record MarkedSpan(string Id, TextSpan Span);

/// <summary>Parses the <c>{|ID:text|}</c> markup (not nested) of the Roslyn testing libraries.</summary>
public static class Markup
{
    public static (string Source, IReadOnlyList<MarkedSpan> Spans) Parse(string markup)
    {
        var text = new StringBuilder(markup.Length);
        var spans = new List<MarkedSpan>();
        int i = 0;
        while (i < markup.Length)
        {
            int open = markup.IndexOf("{|", i, StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(markup, i, markup.Length - i);
                break;
            }
            text.Append(markup, i, open - i);
            int colon = markup.IndexOf(':', open);
            int close = markup.IndexOf("|}", open, StringComparison.Ordinal);
            if (colon < 0 || close < 0 || colon > close)
                throw new FormatException($"Malformed markup at {open}: expected {{|ID:text|}}.");
            string id = markup.Substring(open + 2, colon - open - 2);
            string inner = markup.Substring(colon + 1, close - colon - 1);
            if (inner.Contains("{|", StringComparison.Ordinal))
                throw new FormatException("Nested markup is not supported.");
            spans.Add(new MarkedSpan(id, new TextSpan(text.Length, inner.Length)));
            text.Append(inner);
            i = close + 2;
        }
        return (text.ToString(), spans);
    }
}
