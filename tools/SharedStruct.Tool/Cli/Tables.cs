using Spectre.Console;

namespace SharedStruct.Tool.Cli;

/// <summary>Tables: rounded in a terminal, borderless (aligned columns, easy to grep) when redirected.</summary>
internal static class Tables
{
    public static Table Create(ToolConsole console, params string[] headers)
    {
        var table = new Table { Border = console.Interactive ? TableBorder.Rounded : TableBorder.None };
        foreach (string header in headers)
            table.AddColumn(new TableColumn(new Text(header)) { NoWrap = header is "NAME" or "FIELD" or "HOLDER" or "CREATOR" });
        return table;
    }

    /// <summary>Adds cells as plain text: names and values are data, never markup.</summary>
    public static void AddRow(Table table, params string[] cells)
    {
        var row = new Text[cells.Length];
        for (int i = 0; i < cells.Length; i++)
            row[i] = new Text(cells[i]);
        table.AddRow(row);
    }
}
