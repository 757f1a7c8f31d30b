using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Spectre.Console;

namespace SharedStruct.Tool.Cli;

/// <summary>
/// A table of plain-text cells: a rounded Spectre table in a terminal; aligned columns without borders, padding at
/// line ends or wrapping when the output goes to a file or pipe, so scripts can grep and split it.
/// </summary>
internal sealed class Tables
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = new();

    private Tables(string[] headers) => _headers = headers;

    public int Count => _rows.Count;

    public static Tables Create(params string[] headers) => new(headers);

    public void Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
            throw new ArgumentException($"expected {_headers.Length} cells, got {cells.Length}", nameof(cells));
        _rows.Add(cells);
    }

    public void Write(ToolConsole console)
    {
        if (console.Interactive)
        {
            var table = new Table { Border = TableBorder.Rounded };
            foreach (string header in _headers)
                table.AddColumn(new TableColumn(new Text(header)) { NoWrap = header is "NAME" or "FIELD" });
            foreach (string[] row in _rows)
                table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
            console.Out.Write(table);
            return;
        }
        int[] widths = _headers.Select(h => h.Length).ToArray();
        foreach (string[] row in _rows)
            for (int i = 0; i < row.Length; i++)
                widths[i] = Math.Max(widths[i], row[i].Length);
        console.WriteLine(Line(_headers, widths));
        foreach (string[] row in _rows)
            console.WriteLine(Line(row, widths));
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            string cell = cells[i].Length == 0 ? "-" : cells[i];
            line.Append(i == cells.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }
        return line.ToString().TrimEnd();
    }
}
