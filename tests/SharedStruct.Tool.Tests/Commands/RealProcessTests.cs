using System;
using System.Linq;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Commands;

/// <summary>The built tool run as a real process (<c>dotnet sharedstruct.dll ...</c>), as a user or script runs it.</summary>
[Collection(ProcessCollection.Name)]
public class RealProcessTests
{
    [Fact]
    public void The_tool_process_inspects_a_segment_and_returns_exit_codes_for_failures()
    {
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = Probe.Open(t.Name);
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            Probe.Fill(ref g.Value);

        ToolResult inspected = ToolProcess.Run("inspect", t.Name);
        Assert.True(inspected.ExitCode == ExitCodes.Ok, inspected.ToString());
        Assert.Equal(new[] { "Note", "char[16]", "12", "32", "\"hello, world\"" }, Columns.Row(inspected.Output, "Note"));
        string[] row = Columns.Row(ToolProcess.Run("list").Output, t.Name);
        Assert.Equal("ToolTests.Probe", row[2]);
        Assert.Equal($"{Environment.ProcessId} (alive)", row[3]);

        ToolResult missing = ToolProcess.Run("inspect", "sst-test-missing-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(ExitCodes.NotFound, missing.ExitCode);
        Assert.Contains("there is no segment named", missing.Error);

        ToolResult invalid = ToolProcess.Run("delete", "..");
        Assert.Equal(ExitCodes.InvalidName, invalid.ExitCode);
        Assert.Contains(SegmentName.Rule, invalid.Error);

        ToolResult usage = ToolProcess.Run("inspect", t.Name, "--no-such-option");
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);

        ToolResult help = ToolProcess.Run("--help");
        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        foreach (string command in new[] { "list", "inspect", "watch", "delete", "stale" })
            Assert.Contains(command, help.Output);
    }

    [Fact]
    public void The_tool_process_shows_an_enum_field_of_a_generated_struct_by_name_from_the_description_the_generator_stored()
    {
        using var dir = new TempDirectory();
        var options = new SharedSegmentOptions { Directory = dir.Path };
        using MachineSegment machine = Machine.Open(options);
        machine.State = MachineState.Busy;
        machine.Jobs = 3;

        ToolResult inspected = ToolProcess.Run("inspect", MachineSegment.SegmentName, "--dir", dir.Path);
        Assert.True(inspected.ExitCode == ExitCodes.Ok, inspected.ToString());
        Assert.Equal(["State", "int16", "0", "2", "Busy (7)"], Columns.Row(inspected.Output, "State"));
        Assert.Equal(["Jobs", "int64", "8", "8", "3"], Columns.Row(inspected.Output, "Jobs"));

        // The twin: the same bytes stored with the generator's description minus its enum lines show a bare number, so
        // the name above came from what the generator wrote, not from anything the tool knows about this struct.
        string bare = string.Join("\n", MachineSegment.Layout.Description.Split('\n').Where(l => !l.StartsWith("enum ", StringComparison.Ordinal)));
        Assert.NotEqual(MachineSegment.Layout.Description, bare);
        using SharedSegment<Machine> numbers = SharedSegment<Machine>.Open("tool.machine-bare", options, new SegmentLayout(SegmentLayout.ComputeFingerprint(bare), bare));
        using (var g = numbers.Lock(TimeSpan.FromSeconds(5)))
            g.Value.State = MachineState.Busy;
        ToolResult bareInspected = ToolProcess.Run("inspect", "tool.machine-bare", "--dir", dir.Path);
        Assert.True(bareInspected.ExitCode == ExitCodes.Ok, bareInspected.ToString());
        Assert.Equal(["State", "int16", "0", "2", "7"], Columns.Row(bareInspected.Output, "State"));
    }

    [Fact]
    public void The_tool_process_watches_changes_made_by_this_process()
    {
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = Probe.Open(t.Name);
        using var watch = ToolProcess.Start("watch", t.Name, "--interval", "10", "--count", "2");

        Assert.Contains("Hits=0 Flags=0 Note=\"\"", watch.ReadLine());
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            g.Value.Flags = 3;
        Assert.EndsWith(" Flags: 0 -> 3", watch.ReadLine());
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            g.Value.Ratio = 2.5;
        Assert.EndsWith(" Ratio: 0 -> 2.5", watch.ReadLine());

        Assert.Equal(ExitCodes.Ok, watch.WaitForExit());
    }
}
