using System;
using System.Text;

namespace SharedStruct.Generator.Emit;

/// <summary>
/// Writes source text with four-space indentation. Multi-line text (a raw string literal) is split into lines, each
/// indented at the current level, so templates can be written flush-left in the emitter.
/// </summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _level;

    /// <summary>Writes each line of <paramref name="text"/> at the current indentation.</summary>
    public IndentedWriter Write(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.Length > 0)
                _text.Append(' ', _level * 4).Append(line);
            _text.Append('\n');
        }
        return this;
    }

    /// <summary>Writes an empty line.</summary>
    public IndentedWriter Blank()
    {
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace, then indents.</summary>
    public IndentedWriter Open(string header)
    {
        Write(header);
        Write("{");
        _level++;
        return this;
    }

    /// <summary>Unindents and writes a closing brace.</summary>
    public IndentedWriter Close()
    {
        if (_level == 0)
            throw new InvalidOperationException("Close without Open.");
        _level--;
        Write("}");
        return this;
    }

    public override string ToString() => _text.ToString();
}
