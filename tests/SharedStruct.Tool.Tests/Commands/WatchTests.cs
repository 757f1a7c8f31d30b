using System;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Commands;

/// <summary><c>watch</c> in line mode (output redirected), against a segment this test changes.</summary>
public class WatchTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watch_prints_the_state_then_a_line_per_change_and_stops_after_count_changes()
    {
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = Probe.Open(t.Name);
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            Probe.Fill(ref g.Value);
        var output = new LockedWriter();

        Task<ToolResult> watch = ToolRun.RunAsync(["watch", t.Name, "--interval", "10", "--count", "2"], TestContext.Current.CancellationToken, output);

        output.WaitFor(s => s.Contains("Hits=1234567890123", StringComparison.Ordinal), "the initial state");
        Assert.Contains($"segment \"{t.Name}\": Hits=1234567890123 Flags=-7 Note=\"hello, world\" Pos.X=1.5 Pos.Y=-0.25 On=true Raw=0abcff Money=12.34 " +
                        "Samples=[1, -2, 300] Ratio=0.1", output.Text);
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
        {
            g.Value.Hits = 1;
            Probe.SetSample(ref g.Value, 1, 5);
        }
        output.WaitFor(s => s.Contains("Hits: 1234567890123 -> 1", StringComparison.Ordinal), "the first change");
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            Probe.SetNote(ref g.Value, "bye");

        ToolResult r = await watch.WaitAsync(Generous, TestContext.Current.CancellationToken);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        string[] lines = r.Output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.EndsWith(" Hits: 1234567890123 -> 1, Samples: [1, -2, 300] -> [1, 5, 300]", lines[1]);
        Assert.EndsWith(" Note: \"hello, world\" -> \"bye\"", lines[2]);
    }

    [Fact]
    public async Task Watch_sleeps_until_a_change_instead_of_polling_and_does_not_keep_the_segment_from_deletion()
    {
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = Probe.Open(t.Name);
        var output = new LockedWriter();
        // An interval far beyond the test's patience: only a wake-up on the change can show it in time.
        Task<ToolResult> watch = ToolRun.RunAsync(["watch", t.Name, "--interval", "600000", "--count", "2"], TestContext.Current.CancellationToken, output);
        output.WaitFor(s => s.Contains("Hits=0", StringComparison.Ordinal), "the initial state");
        for (long hits = 1; hits <= 2; hits++)
        {
            using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
                g.Value.Hits = hits;
            output.WaitFor(s => s.Contains($"Hits: {hits - 1} -> {hits}", StringComparison.Ordinal), $"change {hits}");
        }
        ToolResult r = await watch.WaitAsync(Generous, TestContext.Current.CancellationToken);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());

        // While a watch runs, the segment's owner can still delete it (a watcher is an observer, not a user).
        output = new LockedWriter();
        using var cancel = new CancellationTokenSource();
        watch = ToolRun.RunAsync(["watch", t.Name, "--interval", "600000"], cancel.Token, output);
        output.WaitFor(s => s.Contains("Hits=2", StringComparison.Ordinal), "the state");
        seg.Dispose();
        Assert.True(SharedSegment.Delete(t.Name));
        cancel.Cancel();
        r = await watch.WaitAsync(Generous, TestContext.Current.CancellationToken);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
    }

    [Fact]
    public async Task Watch_ends_with_not_found_when_the_segment_is_deleted_and_with_success_when_cancelled()
    {
        using var t = new TestSegment();
        using (Probe.Open(t.Name)) { }
        var output = new LockedWriter();
        Task<ToolResult> watch = ToolRun.RunAsync(["watch", t.Name, "--interval", "10"], TestContext.Current.CancellationToken, output);
        output.WaitFor(s => s.Contains("Hits=0", StringComparison.Ordinal), "the initial state");

        SharedSegment.Delete(t.Name);

        ToolResult r = await watch.WaitAsync(Generous, TestContext.Current.CancellationToken);
        Assert.True(r.ExitCode == ExitCodes.NotFound, r.ToString());
        Assert.Contains($"there is no segment named \"{t.Name}\"", r.Error);

        using (Probe.Open(t.Name)) { }
        using var cancel = new CancellationTokenSource();
        output = new LockedWriter();
        watch = ToolRun.RunAsync(["watch", t.Name, "--interval", "10"], cancel.Token, output);
        output.WaitFor(s => s.Contains("Hits=0", StringComparison.Ordinal), "the initial state");
        cancel.Cancel();
        r = await watch.WaitAsync(Generous, TestContext.Current.CancellationToken);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
    }

    [Fact]
    public void Watch_count_zero_prints_the_state_once_and_shows_hex_rows_without_a_field_list()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<SharedStruct.Scenarios.TestPayload>.Open(t.Name);
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            g.Value.Value = 0x41;

        ToolResult r = ToolRun.Run("watch", t.Name, "--count", "0");

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Single(r.Output.TrimEnd().Split('\n'));
        Assert.Contains("(hex: the stored layout names the type (SharedStruct.Scenarios.TestPayload) but lists no fields) +0x0000: 41 00", r.Output);
    }
}
