using System;
using System.IO;
using System.Linq;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

[Collection(ProcessCollection.Name)]
public class InspectorTests
{
    [Fact]
    public void Inspect_reports_the_header_the_processes_and_a_consistent_payload_without_writing()
    {
        using var t = new TestSegment();
        var layout = new SegmentLayout(0xFEED, "sharedstruct-layout 1\nstruct TestPayload size=96");
        using var seg = SharedSegment<TestPayload>.Open(t.Name, layout: layout);
        using (var g = seg.Lock(TimeSpan.FromSeconds(1)))
            g.Value.Value = 0x0102030405060708;
        byte[] before = File.ReadAllBytes(t.Path);

        SegmentInfo info = SegmentInspector.Inspect(t.Name);

        Assert.True(info.IsValid, info.Problem);
        Assert.Equal(0xFEEDUL, info.Fingerprint);
        Assert.Equal(layout.Description, info.LayoutDescription);
        Assert.Equal(96, info.PayloadSize);
        Assert.Equal(Environment.ProcessId, info.CreatorPid);
        Assert.True(info.CreatorAlive);
        Assert.Null(info.HolderPid);
        Assert.Equal(1u, info.LockGeneration);
        Assert.Contains(new AttachedProcess(Environment.ProcessId, true), info.Processes);
        Assert.Equal(0x0102030405060708, BitConverter.ToInt64(info.Payload!, 0));
        Assert.False(info.IsStale);
        Assert.Equal(before, File.ReadAllBytes(t.Path));
        Assert.Contains(SegmentInspector.List(), s => s.Name == t.Name);
    }

    [Fact]
    public void Inspect_names_a_live_holder_and_then_reports_it_dead_after_kill_9()
    {
        using var t = new TestSegment();
        using (SharedSegment<TestPayload>.Open(t.Name)) { }
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked");

        SegmentInfo held = SegmentInspector.Inspect(t.Name);
        Assert.Equal(holder.Pid, held.HolderPid);
        Assert.True(held.HolderAlive);
        Assert.False(held.IsStale);

        holder.KillHard();
        SegmentInfo dead = SegmentInspector.Inspect(t.Name);
        Assert.Equal(holder.Pid, dead.HolderPid);
        Assert.False(dead.HolderAlive);
        Assert.True(dead.PayloadMayBeTorn);
        Assert.True(dead.IsStale); // the creator (this process) closed it; the only attached process is dead
        Assert.Equal(new[] { new AttachedProcess(holder.Pid, false) }, dead.Processes.ToArray());
    }

    [Fact]
    public void Inspect_reports_a_foreign_file_as_a_problem_and_leaves_it_alone()
    {
        using var t = new TestSegment();
        byte[] junk = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7 + 1)).ToArray();
        File.WriteAllBytes(t.Path, junk);

        SegmentInfo info = SegmentInspector.Inspect(t.Name);
        Assert.False(info.IsValid);
        Assert.Contains("not a SharedStruct segment", info.Problem);
        Assert.Equal(junk, File.ReadAllBytes(t.Path));
        Assert.Throws<FileNotFoundException>(() => SegmentInspector.Inspect("sst-test-missing-" + Guid.NewGuid().ToString("N")[..8]));
    }
}
