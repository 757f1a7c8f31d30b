using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Layout;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SharedStruct.Tool.Commands;

/// <summary>
/// <c>sharedstruct watch</c>: sleeps until the segment changes (a <see cref="SegmentWatcher"/>), reads it through
/// read-only mappings and shows the fields that changed. In a terminal it redraws a table in place; with <c>--count</c>,
/// or when the output is a file or pipe, it prints the state once and then one line per change, and stops after
/// <c>--count</c> changes. <c>--interval</c> bounds the sleep, so a recreated segment or a new lock holder still shows.
/// </summary>
internal static class WatchCommand
{
    public const int DefaultIntervalMs = 250;

    public static Command Create(ToolConsole console)
    {
        Argument<string?> name = CommonOptions.Name(optional: true);
        Option<string?> dir = CommonOptions.Directory();
        Option<string?> file = CommonOptions.File();
        var interval = new Option<int>("--interval")
        {
            Description = "The longest to wait between reads, in milliseconds (a change is shown at once).",
            DefaultValueFactory = _ => DefaultIntervalMs,
            HelpName = "MS",
        };
        interval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--interval must be at least 1 millisecond.");
        });
        var count = new Option<int?>("--count")
        {
            Description = "Print a line per change and stop after this many changes (0: print the current state and stop).",
            HelpName = "N",
        };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() < 0)
                r.AddError("--count must not be negative.");
        });
        var command = new Command("watch", "Show a segment's fields live, refreshing as they change (Ctrl+C stops).") { name, dir, file, interval, count };
        command.SetAction((result, cancellation) => RunAsync(console, result.GetValue(name), result.GetValue(dir), result.GetValue(file),
            result.GetValue(interval), result.GetValue(count), cancellation));
        return command;
    }

    public static async Task<int> RunAsync(ToolConsole console, string? name, string? directory, string? file, int intervalMs, int? count,
        CancellationToken cancellation)
    {
        int code = SegmentTarget.Create(console, name, directory, file, out SegmentTarget? target);
        if (code != ExitCodes.Ok)
            return code;
        var interval = TimeSpan.FromMilliseconds(Math.Max(1, intervalMs));
        if (console.Interactive && count is null)
            return await LiveAsync(console, target!, interval, cancellation).ConfigureAwait(false);
        return await LinesAsync(console, target!, interval, count, cancellation).ConfigureAwait(false);
    }

    /// <summary>One reading: the header and the payload as named values.</summary>
    private sealed record Reading(SegmentInfo Info, PayloadView View)
    {
        public Dictionary<string, string> Values() => View.Rows.ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal);

        public bool SameSegmentAs(Reading other) =>
            Info.CreatedAt == other.Info.CreatedAt && Info.CreatorPid == other.Info.CreatorPid && Info.Fingerprint == other.Info.Fingerprint;
    }

    private static int Read(ToolConsole console, SegmentTarget target, out Reading? reading)
    {
        reading = null;
        int code = target.TryInspect(console, out SegmentInfo? info);
        if (code != ExitCodes.Ok)
            return code;
        if (!info!.IsValid)
            return target.ReportProblem(console, info);
        reading = new Reading(info, PayloadView.For(info, InspectCommand.DefaultMaxBytes));
        return ExitCodes.Ok;
    }

    private static async Task<int> LinesAsync(ToolConsole console, SegmentTarget target, TimeSpan interval, int? count, CancellationToken cancellation)
    {
        Reading? previous = null;
        int changes = 0;
        using var waiter = new ChangeWaiter(target);
        while (true)
        {
            waiter.BeforeRead();
            int code = Read(console, target, out Reading? current);
            if (code != ExitCodes.Ok)
                return code;
            string clock = Show.Clock(DateTimeOffset.Now);
            if (previous is null)
            {
                console.WriteLine($"{clock} {target.Display}: {State(current!)}");
                if (count == 0)
                    return ExitCodes.Ok;
            }
            else if (!current!.SameSegmentAs(previous))
            {
                console.WriteLine($"{clock} the segment was recreated: {State(current)}");
                changes++;
            }
            else
            {
                Dictionary<string, string> before = previous.Values();
                var diff = current.View.Rows
                    .Where(r => !before.TryGetValue(r.Name, out string? old) || old != r.Value)
                    .Select(r => $"{r.Name}: {(before.TryGetValue(r.Name, out string? old) ? old : "?")} -> {r.Value}")
                    .ToList();
                if (diff.Count > 0)
                {
                    console.WriteLine($"{clock} {string.Join(", ", diff)}");
                    changes++;
                }
            }
            if (count is int n && changes >= n)
                return ExitCodes.Ok;
            if (previous is not null && !current!.SameSegmentAs(previous))
                waiter.Reopen();
            previous = current;
            try
            {
                await waiter.WaitAsync(interval, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Ok;
            }
        }
    }

    private static string State(Reading reading)
    {
        string values = string.Join(" ", reading.View.Rows.Select(r => reading.View.IsDecoded ? $"{r.Name}={r.Value}" : $"{r.Name}: {r.Value} |"));
        return reading.View.IsDecoded ? values : $"(hex: {reading.View.WhyHex}) {values.TrimEnd('|', ' ')}";
    }

    private static async Task<int> LiveAsync(ToolConsole console, SegmentTarget target, TimeSpan interval, CancellationToken cancellation)
    {
        int code = Read(console, target, out Reading? first);
        if (code != ExitCodes.Ok)
            return code;
        Reading previous = first!;
        using var waiter = new ChangeWaiter(target);
        await console.Out.Live(Render(target, previous, changed: new HashSet<string>())).AutoClear(false).StartAsync(async context =>
        {
            while (!cancellation.IsCancellationRequested)
            {
                try
                {
                    await waiter.WaitAsync(interval, cancellation).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                waiter.BeforeRead();
                code = Read(console, target, out Reading? current);
                if (code != ExitCodes.Ok)
                    return;
                if (!current!.SameSegmentAs(previous))
                    waiter.Reopen();
                Dictionary<string, string> before = previous.Values();
                var changed = new HashSet<string>(current!.View.Rows
                    .Where(r => !current.SameSegmentAs(previous) || !before.TryGetValue(r.Name, out string? old) || old != r.Value)
                    .Select(r => r.Name), StringComparer.Ordinal);
                context.UpdateTarget(Render(target, current, changed));
                context.Refresh();
                previous = current;
            }
        }).ConfigureAwait(false);
        return code;
    }

    private static IRenderable Render(SegmentTarget target, Reading reading, HashSet<string> changed)
    {
        SegmentInfo info = reading.Info;
        string holder = info.HolderPid is int pid
            ? $"held by {Show.Process(pid, info.HolderAlive)}" + (info.HeldFor is { } t ? $" for {Show.Duration(t)}" : "")
            : "free";
        var header = new Markup(Markup.Escape(
            $"{target.Display}  ·  {Show.LayoutName(info)}  ·  lock {holder}, taken {Show.Times(info.LockGeneration)}  ·  processes {Show.ProcessCounts(info.Processes)}  ·  {Show.Clock(DateTimeOffset.Now)}  (Ctrl+C stops)"));
        var table = new Table { Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn("FIELD") { NoWrap = true });
        table.AddColumn("TYPE");
        table.AddColumn("VALUE");
        foreach (DecodedField row in reading.View.Rows)
        {
            var style = changed.Contains(row.Name) ? new Style(Color.Yellow, decoration: Decoration.Bold) : Style.Plain;
            table.AddRow(new Text(row.Name), new Text(row.TypeText), new Text(row.Value, style));
        }
        return new Rows(header, table);
    }
}
