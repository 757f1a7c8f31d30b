using System;
using System.IO;
using SharedStruct.Scenarios;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Commands;

/// <summary><c>list</c> and <c>inspect</c> against real segments made in this process.</summary>
public class ListAndInspectTests
{
    private static readonly string Me = $"{Environment.ProcessId} (alive)";

    [Fact]
    public void Inspect_decodes_every_field_from_the_stored_description_and_leaves_the_segment_byte_for_byte_unchanged()
    {
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = Probe.Open(t.Name);
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            Probe.Fill(ref g.Value);
        byte[] before = File.ReadAllBytes(t.Path);

        ToolResult r = ToolRun.Run("inspect", t.Name);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Equal(before, File.ReadAllBytes(t.Path));
        Assert.Equal(t.Name, Columns.Header(r.Output, "Segment"));
        Assert.Equal(t.Path, Columns.Header(r.Output, "Location"));
        Assert.Equal("ToolTests.Probe (Sequential, 88 bytes, 10 fields)", Columns.Header(r.Output, "Layout"));
        Assert.Equal($"0x{Probe.Layout.Fingerprint:x16}", Columns.Header(r.Output, "Fingerprint"));
        Assert.EndsWith("by " + Me, Columns.Header(r.Output, "Created"));
        Assert.Equal("free", Columns.Header(r.Output, "Lock"));
        Assert.Equal(Me, Columns.Header(r.Output, "Processes"));
        Assert.Equal("no", Columns.Header(r.Output, "Stale"));
        Assert.DoesNotContain("Note:", r.Output); // fingerprint and size agree with the description

        Assert.Equal(new[] { "FIELD", "TYPE", "OFFSET", "SIZE", "VALUE" }, Columns.Row(r.Output, "FIELD"));
        Assert.Equal(new[] { "Hits", "int64", "0", "8", "1234567890123" }, Columns.Row(r.Output, "Hits"));
        Assert.Equal(new[] { "Flags", "int32", "8", "4", "-7" }, Columns.Row(r.Output, "Flags"));
        Assert.Equal(new[] { "Note", "char[16]", "12", "32", "\"hello, world\"" }, Columns.Row(r.Output, "Note"));
        Assert.Equal(new[] { "Pos.X", "float32", "44", "4", "1.5" }, Columns.Row(r.Output, "Pos.X"));
        Assert.Equal(new[] { "Pos.Y", "float32", "48", "4", "-0.25" }, Columns.Row(r.Output, "Pos.Y"));
        Assert.Equal(new[] { "On", "bool", "52", "1", "true" }, Columns.Row(r.Output, "On"));
        Assert.Equal(new[] { "Raw", "uint8[3]", "53", "3", "0abcff" }, Columns.Row(r.Output, "Raw"));
        Assert.Equal(new[] { "Money", "decimal", "56", "16", "12.34" }, Columns.Row(r.Output, "Money"));
        Assert.Equal(new[] { "Samples", "int16[3]", "72", "6", "[1, -2, 300]" }, Columns.Row(r.Output, "Samples"));
        Assert.Equal(new[] { "Ratio", "float64", "80", "8", "0.1" }, Columns.Row(r.Output, "Ratio"));
    }

    [Fact]
    public void Inspect_takes_the_earlier_whole_text_fingerprint_of_a_description_without_a_note()
    {
        // A segment made by a build whose fingerprint still hashed the struct's name: as valid as today's.
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = SharedSegment<Probe>.Open(t.Name, null,
            new SegmentLayout(SharedStruct.Format.LayoutFingerprint.ComputeWholeText(Probe.Description), Probe.Description));

        ToolResult r = ToolRun.Run("inspect", t.Name);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.DoesNotContain("does not hash to the stored fingerprint", r.Output);
        Assert.Equal(new[] { "Hits", "int64", "0", "8", "0" }, Columns.Row(r.Output, "Hits"));
    }

    [Fact]
    public void Inspect_notes_a_fingerprint_that_is_no_hash_of_the_stored_description()
    {
        // The twin: any other fingerprint still earns the note.
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = SharedSegment<Probe>.Open(t.Name, null, new SegmentLayout(0x1234, Probe.Description));

        ToolResult r = ToolRun.Run("inspect", t.Name);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Contains("does not hash to the stored fingerprint", r.Output);
    }

    [Fact]
    public void Inspect_with_file_decodes_a_file_backed_segment()
    {
        using var dir = new TempDirectory();
        string path = dir.File("probe.seg");
        using (SharedSegment<Probe> seg = SharedSegment<Probe>.Open("probe", new SharedSegmentOptions { FilePath = path }, Probe.Layout))
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            g.Value.Hits = 77;

        ToolResult r = ToolRun.Run("inspect", "--file", path);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Equal(path, Columns.Header(r.Output, "Location"));
        Assert.Equal("77", Columns.Row(r.Output, "Hits")[4]);
        Assert.Equal("yes (no live process uses it; `sharedstruct stale --delete` removes it)", Columns.Header(r.Output, "Stale"));
    }

    [Fact]
    public void List_shows_size_layout_creator_free_lock_and_users_of_a_segment()
    {
        using var t = new TestSegment();
        using SharedSegment<Probe> seg = Probe.Open(t.Name);

        ToolResult r = ToolRun.Run("list");

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Equal(new[] { "NAME", "SIZE", "LAYOUT", "CREATOR", "HOLDER", "HELD FOR", "ALIVE", "PROCESSES", "STALE", "PROBLEM" },
            Columns.Row(r.Output, "NAME"));
        Assert.Equal(new[] { t.Name, Show.Bytes(new FileInfo(t.Path).Length), "ToolTests.Probe", Me, "-", "-", "-", "1 alive", "no", "-" },
            Columns.Row(r.Output, t.Name));
    }

    [Fact]
    public void List_with_dir_lists_only_that_directory_and_says_when_it_is_empty_or_missing()
    {
        using var dir = new TempDirectory();
        ToolResult empty = ToolRun.Run("list", "--dir", dir.Path);
        Assert.Equal(ExitCodes.Ok, empty.ExitCode);
        Assert.Equal($"No segments in {dir.Path}.", empty.Output.Trim());

        using (SharedSegment<Probe>.Open("sst-in-dir", new SharedSegmentOptions { Directory = dir.Path }, Probe.Layout))
        {
            ToolResult one = ToolRun.Run("list", "--dir", dir.Path);
            Assert.Equal("ToolTests.Probe", Columns.Row(one.Output, "sst-in-dir")[2]);
            Assert.Contains($"1 segment(s) in {dir.Path}.", one.Output);
        }

        ToolResult missing = ToolRun.Run("list", "--dir", dir.File("nope"));
        Assert.Equal(ExitCodes.NotFound, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);
    }

    [Fact]
    public void Inspect_shows_hex_when_the_stored_layout_lists_no_fields()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name); // the runtime's default layout: type name and size only
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            g.Value.Value = 0x2a;

        ToolResult r = ToolRun.Run("inspect", t.Name);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Equal("SharedStruct.Scenarios.TestPayload (no field list stored)", Columns.Header(r.Output, "Layout"));
        Assert.Contains("Payload as hex (the stored layout names the type (SharedStruct.Scenarios.TestPayload) but lists no fields):", r.Output);
        Assert.Contains("+0x0000  2a 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  *...............", r.Output);
        Assert.Contains("+0x0050  ", r.Output); // 96 bytes: six rows
        Assert.DoesNotContain("+0x0060", r.Output);
    }

    [Fact]
    public void Missing_segments_and_invalid_names_get_a_clear_message_and_their_own_exit_code()
    {
        string missing = "sst-test-missing-" + Guid.NewGuid().ToString("N")[..8];
        foreach (string[] args in new[] { new[] { "inspect", missing }, new[] { "delete", missing }, new[] { "watch", missing, "--count", "1" } })
        {
            ToolResult r = ToolRun.Run(args);
            Assert.True(r.ExitCode == ExitCodes.NotFound, r.ToString());
            Assert.Contains($"there is no segment named \"{missing}\" (looked for /dev/shm/sharedstruct.{missing})", r.Error);
        }

        foreach (string[] args in new[] { new[] { "inspect", "Bad/Name" }, new[] { "delete", "Bad/Name" }, new[] { "watch", "Bad/Name" } })
        {
            ToolResult r = ToolRun.Run(args);
            Assert.True(r.ExitCode == ExitCodes.InvalidName, r.ToString());
            Assert.Contains("invalid segment name \"Bad/Name\": the name contains the upper-case letter 'B'.", r.Error);
            Assert.Contains(SegmentName.Rule, r.Error);
        }

        ToolResult noFile = ToolRun.Run("inspect", "--file", "/nonexistent-dir-" + Guid.NewGuid().ToString("N")[..8] + "/x.seg");
        Assert.True(noFile.ExitCode == ExitCodes.NotFound, noFile.ToString());

        ToolResult neither = ToolRun.Run("inspect");
        Assert.Equal(ExitCodes.Usage, neither.ExitCode);
        Assert.Contains("give a segment name", neither.Error);
    }
}
