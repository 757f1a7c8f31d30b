using System;
using System.IO;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Commands;

/// <summary>Files that are not segments, or damaged ones: reported clearly and never modified.</summary>
public class ForeignFileTests
{
    [Fact]
    public void A_file_of_random_bytes_is_reported_by_every_command_and_left_byte_for_byte_unchanged()
    {
        using var t = new TestSegment();
        byte[] junk = new byte[50_000];
        new Random(7).NextBytes(junk);
        junk[0] = 0x01; // surely no segment magic
        File.WriteAllBytes(t.Path, junk);

        ToolResult inspected = ToolRun.Run("inspect", t.Name);
        Assert.True(inspected.ExitCode == ExitCodes.BadSegment, inspected.ToString());
        Assert.Equal($"sharedstruct: segment \"{t.Name}\" at {t.Path} (50000 bytes) is not a usable SharedStruct segment: " +
                     "not a SharedStruct segment (no segment magic number). It was only read, not modified.", inspected.Error.Trim());
        Assert.Equal("", inspected.Output);

        ToolResult listed = ToolRun.Run("list");
        Assert.True(listed.ExitCode == ExitCodes.Ok, listed.ToString());
        string[] row = Columns.Row(listed.Output, t.Name);
        Assert.Equal("not a SharedStruct segment (no segment magic number)", row[^1]);

        ToolResult watched = ToolRun.Run("watch", t.Name, "--count", "1");
        Assert.True(watched.ExitCode == ExitCodes.BadSegment, watched.ToString());

        ToolResult deleted = ToolRun.Run("delete", t.Name);
        Assert.True(deleted.ExitCode == ExitCodes.BadSegment, deleted.ToString());
        Assert.Contains("is not a valid SharedStruct segment (not a SharedStruct segment (no segment magic number)); not deleting it", deleted.Error);

        Assert.Equal(junk, File.ReadAllBytes(t.Path));
    }

    [Fact]
    public void A_segment_with_a_damaged_header_is_reported_as_corrupted_and_left_unchanged()
    {
        using var source = new TestSegment();
        using var t = new TestSegment();
        using (SharedSegment<Probe>.Open(source.Name, layout: Probe.Layout)) { }
        byte[] bytes = File.ReadAllBytes(source.Path);
        bytes[20] ^= 0xff; // inside the fingerprint, covered by the header checksum
        File.WriteAllBytes(t.Path, bytes);

        ToolResult inspected = ToolRun.Run("inspect", t.Name);

        Assert.True(inspected.ExitCode == ExitCodes.BadSegment, inspected.ToString());
        Assert.Contains("is not a usable SharedStruct segment: corrupted header (checksum or offsets do not match). It was only read, not modified.", inspected.Error);
        Assert.Equal("corrupted header (checksum or offsets do not match)", Columns.Row(ToolRun.Run("list").Output, t.Name)[^1]);
        Assert.Equal(bytes, File.ReadAllBytes(t.Path));
    }

    [Fact]
    public void Empty_and_all_zero_files_are_reported_and_delete_force_removes_them()
    {
        using var empty = new TestSegment();
        using var zeros = new TestSegment();
        File.WriteAllBytes(empty.Path, Array.Empty<byte>());
        File.WriteAllBytes(zeros.Path, new byte[30_000]);

        ToolResult e = ToolRun.Run("inspect", empty.Name);
        Assert.True(e.ExitCode == ExitCodes.BadSegment, e.ToString());
        Assert.Contains("empty (zero-length) file", e.Error);
        ToolResult z = ToolRun.Run("inspect", zeros.Name);
        Assert.True(z.ExitCode == ExitCodes.BadSegment, z.ToString());
        Assert.Contains("not initialised (all zeros at the start)", z.Error);
        Assert.Equal(new byte[30_000], File.ReadAllBytes(zeros.Path));

        ToolResult forced = ToolRun.Run("delete", zeros.Name, "--force");
        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.ToString());
        Assert.False(File.Exists(zeros.Path));
    }
}
