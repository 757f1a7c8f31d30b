using System;
using System.IO;
using SharedStruct.Scenarios;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Commands;

/// <summary>Lock holders in real child processes (tests/SharedStruct.Scenarios <c>hold</c>), alive and killed with kill -9.</summary>
[Collection(ProcessCollection.Name)]
public class HolderTests
{
    [Fact]
    public void A_live_holder_is_shown_with_its_pid_and_after_kill_9_as_dead()
    {
        using var t = new TestSegment();
        using (SharedSegment<TestPayload>.Open(t.Name)) { }
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");
        string pid = holder.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);

        ToolResult listed = ToolRun.Run("list");
        string[] row = Columns.Row(listed.Output, t.Name);
        Assert.Equal(pid, row[4]);
        Assert.NotEqual("-", row[5]); // how long: a duration, or "unknown" when no waiter has timed it
        Assert.Equal("yes", row[6]);
        Assert.Equal("1 alive", row[7]);
        Assert.Equal("no", row[8]);
        ToolResult inspected = ToolRun.Run("inspect", t.Name);
        Assert.StartsWith($"held by {pid} (alive), for ", Columns.Header(inspected.Output, "Lock"));
        Assert.Equal($"{pid} (alive)", Columns.Header(inspected.Output, "Processes"));

        holder.KillHard();

        listed = ToolRun.Run("list");
        row = Columns.Row(listed.Output, t.Name);
        Assert.Equal(pid, row[4]);
        Assert.Equal("no", row[6]);
        Assert.Equal("1 dead", row[7]);
        Assert.Equal("yes", row[8]);
        inspected = ToolRun.Run("inspect", t.Name);
        Assert.True(inspected.ExitCode == ExitCodes.Ok, inspected.ToString());
        Assert.StartsWith($"held by {pid} (dead), for ", Columns.Header(inspected.Output, "Lock"));
        Assert.EndsWith("the next Lock() recovers it (abandoned)", Columns.Header(inspected.Output, "Lock"));
        Assert.Contains($"Note: process {pid} died holding the lock; these are the bytes it left, possibly mid-update.", inspected.Output);
    }

    [Fact]
    public void Inspect_of_a_segment_a_sleeping_live_process_holds_says_so_and_shows_a_possibly_torn_read()
    {
        using var t = new TestSegment();
        using (SharedSegment<TestPayload> seg = SharedSegment<TestPayload>.Open(t.Name))
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
            g.Value.Value = 41;
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");

        ToolResult r = ToolRun.Run("inspect", t.Name);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.DoesNotContain("changed under every read attempt", r.Output);
        Assert.Contains($"Note: live process {holder.Pid} holds the lock and kept it while this read; the values below are a possibly-torn read", r.Output);
        // What the holder wrote so far is shown: it set Shadow (the second long) to Value + 1 inside its critical section.
        Assert.Contains("+0x0000  29 00 00 00 00 00 00 00  2a 00 00 00 00 00 00 00", r.Output);

        // The twin: once the holder is gone (and its lock recovered), the copy is consistent and carries no note.
        holder.KillHard();
        using (SharedSegment<TestPayload> seg = SharedSegment<TestPayload>.Open(t.Name))
        using (seg.Lock(TimeSpan.FromSeconds(10))) { }
        ToolResult after = ToolRun.Run("inspect", t.Name);
        Assert.DoesNotContain("possibly-torn", after.Output);
        Assert.DoesNotContain("changed under every read attempt", after.Output);
    }

    [Fact]
    public void Held_for_is_known_right_after_a_waiter_timed_out()
    {
        using var t = new TestSegment();
        using (SharedSegment<TestPayload>.Open(t.Name)) { }
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");

        // No waiter has seen the holding yet: nothing in the segment says since when.
        Assert.Equal("unknown", Columns.Row(ToolRun.Run("list").Output, t.Name)[5]);

        // A snapshot reader that times out is a waiter: afterwards the tool knows how long the lock has been held.
        using (var reader = ChildProcess.Start(["try-read", t.Name, "50"]))
        {
            reader.Expect("timeout");
            Assert.Equal(0, reader.WaitForExit());
        }
        string heldFor = Columns.Row(ToolRun.Run("list").Output, t.Name)[5];
        Assert.NotEqual("unknown", heldFor);
        Assert.Matches(@"^\d", heldFor);
        Assert.StartsWith($"held by {holder.Pid} (alive), for ", Columns.Header(ToolRun.Run("inspect", t.Name).Output, "Lock"));
        Assert.DoesNotContain("an unknown time", Columns.Header(ToolRun.Run("inspect", t.Name).Output, "Lock"));

        // And so is a lock waiter that times out.
        using var other = new TestSegment();
        using (SharedSegment<TestPayload>.Open(other.Name)) { }
        using var otherHolder = ChildProcess.Start(["hold", other.Name]);
        otherHolder.Expect("locked");
        using (var waiter = ChildProcess.Start(["try-lock", other.Name, "50"]))
        {
            waiter.Expect("timeout");
            Assert.Equal(0, waiter.WaitForExit());
        }
        Assert.NotEqual("unknown", Columns.Row(ToolRun.Run("list").Output, other.Name)[5]);
    }

    [Fact]
    public void Delete_refuses_while_a_live_process_holds_the_lock_and_deletes_with_force()
    {
        using var t = new TestSegment();
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");

        ToolResult refused = ToolRun.Run("delete", t.Name);

        Assert.True(refused.ExitCode == ExitCodes.Refused, refused.ToString());
        Assert.Contains($"refusing to delete segment \"{t.Name}\": live process {holder.Pid} holds its lock", refused.Error);
        Assert.True(File.Exists(t.Path));

        ToolResult forced = ToolRun.Run("delete", t.Name, "--force");

        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.ToString());
        Assert.Contains($"warning: deleting segment \"{t.Name}\" although live process {holder.Pid} holds its lock", forced.Error);
        Assert.Equal($"Deleted segment \"{t.Name}\" ({t.Path}).", forced.Output.Trim());
        Assert.False(File.Exists(t.Path));
    }

    [Fact]
    public void Delete_refuses_while_a_live_process_has_the_segment_open_and_deletes_once_it_closed()
    {
        using var t = new TestSegment();
        SharedSegment<Probe> seg = Probe.Open(t.Name);
        try
        {
            ToolResult refused = ToolRun.Run("delete", t.Name);
            Assert.True(refused.ExitCode == ExitCodes.Refused, refused.ToString());
            Assert.Contains($"live process {Environment.ProcessId} has it open", refused.Error);
            Assert.True(File.Exists(t.Path));
        }
        finally
        {
            seg.Dispose();
        }

        ToolResult deleted = ToolRun.Run("delete", t.Name);
        Assert.True(deleted.ExitCode == ExitCodes.Ok, deleted.ToString());
        Assert.False(File.Exists(t.Path));
    }

    [Fact]
    public void A_live_read_only_reader_keeps_its_segment_from_stale_delete_and_delete_until_it_is_killed()
    {
        using var dir = new TempDirectory();
        var options = new SharedSegmentOptions { Directory = dir.Path };
        const string name = "sst-read-only";
        string path = SharedSegment.Locate(name, options);
        using (var writer = ChildProcess.Start(["write", name, "5", "--dir", dir.Path]))
            Assert.Equal(0, writer.WaitForExit());
        using var reader = ChildProcess.Start(["reader", name, "--dir", dir.Path]);
        Assert.Equal("attached value=5", reader.ReadLine());

        // A reader has no row in the process table; the tool sees it through its attach marker.
        string[] row = Columns.Row(ToolRun.Run("list", "--dir", dir.Path).Output, name);
        Assert.Equal("none + readers", row[7]);
        Assert.Equal("no", row[8]);

        ToolResult stale = ToolRun.Run("stale", "--dir", dir.Path, "--delete");
        Assert.True(stale.ExitCode == ExitCodes.Ok, stale.ToString());
        Assert.Contains($"No stale segments in {dir.Path}.", stale.Output);
        Assert.True(File.Exists(path), "stale --delete removed a segment a live read-only reader has open");

        ToolResult refused = ToolRun.Run("delete", name, "--dir", dir.Path);
        Assert.True(refused.ExitCode == ExitCodes.Refused, refused.ToString());
        Assert.Contains($"refusing to delete segment \"{name}\": read-only readers have it open", refused.Error);
        Assert.True(File.Exists(path), "delete removed a segment a live read-only reader has open");

        // The twin: the same segment once its reader is gone (kill -9: nothing released by hand) is stale and goes.
        reader.KillHard();
        row = Columns.Row(ToolRun.Run("list", "--dir", dir.Path).Output, name);
        Assert.Equal("none", row[7]);
        Assert.Equal("yes", row[8]);
        ToolResult deleted = ToolRun.Run("stale", "--dir", dir.Path, "--delete");
        Assert.True(deleted.ExitCode == ExitCodes.Ok, deleted.ToString());
        Assert.Contains($"Deleted {name}.", deleted.Output);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Stale_lists_and_deletes_only_segments_whose_processes_are_all_gone()
    {
        using var dir = new TempDirectory();
        var options = new SharedSegmentOptions { Directory = dir.Path };
        string killed = "sst-killed", finished = "sst-finished", inUse = "sst-in-use", foreign = "sst-foreign";
        byte[] junk = new byte[5000];
        new Random(42).NextBytes(junk);
        File.WriteAllBytes(Path.Combine(dir.Path, "sharedstruct." + foreign), junk);

        using (var holder = ChildProcess.Start(["hold", killed, "--dir", dir.Path]))
        {
            holder.Expect("locked");
            holder.KillHard();
        }
        using (var writer = ChildProcess.Start(["write", finished, "5", "--dir", dir.Path]))
            Assert.Equal(0, writer.WaitForExit());
        using SharedSegment<Probe> open = Probe.Open(inUse, options);

        ToolResult listed = ToolRun.Run("stale", "--dir", dir.Path);

        Assert.True(listed.ExitCode == ExitCodes.Ok, listed.ToString());
        Assert.Equal(new[] { "NAME", "PAYLOAD", "LAYOUT", "CREATED", "CREATOR", "LAST HOLDER", "PROCESSES" }, Columns.Row(listed.Output, "NAME"));
        string[] killedRow = Columns.Row(listed.Output, killed);
        Assert.EndsWith("(dead)", killedRow[5]);
        Assert.EndsWith("(dead)", killedRow[6]);
        Assert.Equal("-", Columns.Row(listed.Output, finished)[5]);
        Assert.DoesNotContain(inUse, listed.Output);
        Assert.DoesNotContain(foreign, listed.Output);
        Assert.Contains($"2 stale segment(s) in {dir.Path}.", listed.Output);
        Assert.Contains("1 file(s) that are not valid segments were left alone", listed.Output);
        Assert.True(File.Exists(SharedSegment.Locate(killed, options)));
        Assert.True(File.Exists(SharedSegment.Locate(finished, options)));

        ToolResult deleted = ToolRun.Run("stale", "--dir", dir.Path, "--delete");

        Assert.True(deleted.ExitCode == ExitCodes.Ok, deleted.ToString());
        Assert.Contains($"Deleted {killed}.", deleted.Output);
        Assert.Contains($"Deleted {finished}.", deleted.Output);
        Assert.False(File.Exists(SharedSegment.Locate(killed, options)));
        Assert.False(File.Exists(SharedSegment.Locate(finished, options)));
        Assert.True(File.Exists(SharedSegment.Locate(inUse, options)));
        Assert.Equal(junk, File.ReadAllBytes(Path.Combine(dir.Path, "sharedstruct." + foreign)));

        Assert.Equal($"No stale segments in {dir.Path}.", ToolRun.Run("stale", "--dir", dir.Path).Output.Split('\n')[0].Trim());
    }
}
