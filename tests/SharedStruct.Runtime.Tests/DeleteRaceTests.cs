using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Deleting a name while other processes open, close, create and delete it: a delete may only ever remove a segment
/// nobody is attached to. Each opener child checks, while attached, that the name still names its own file (device
/// and inode from /proc/self/maps against statx of the path, independent of the runtime's own check).
/// </summary>
[Collection(ProcessCollection.Name)]
public class DeleteRaceTests
{
    private const int Openers = 3;
    private const int Deleters = 3;
    private const string Rounds = "300";

    [Fact]
    public void Deleters_racing_openers_that_recreate_the_segment_never_unlink_a_segment_someone_is_attached_to()
    {
        SkipUnlessLinux();
        using var t = new TestSegment();
        var children = new List<ChildProcess>();
        try
        {
            var openers = new List<ChildProcess>();
            var deleters = new List<ChildProcess>();
            for (int i = 0; i < Openers; i++)
                openers.Add(Started(children, ["churn-open", t.Name, Rounds, "7"]));
            for (int i = 0; i < Deleters; i++)
                deleters.Add(Started(children, ["churn-delete", t.Name]));
            foreach (ChildProcess c in children)
                c.Send("go");

            List<string> openerReports = openers.Select(Done).ToList();
            foreach (ChildProcess d in deleters)
                d.Send("stop");
            List<string> deleterReports = deleters.Select(Done).ToList();
            string all = string.Join("\n", openerReports.Concat(deleterReports));

            Assert.True(openerReports.All(r => Count(r, "violations") == 0),
                $"a delete unlinked a segment whose opener was attached:\n{string.Join("\n", openers.Select(o => o.Output))}");
            // Proof that the race was run: segments were made anew and deleted by name many times, and deleters met users.
            Assert.True(deleterReports.Sum(r => Count(r, "deleted")) >= 10, $"the deleters hardly ever deleted; the test proved little:\n{all}");
            Assert.True(openerReports.Sum(r => Count(r, "created")) >= 10, $"the openers hardly ever created the segment anew:\n{all}");
            Assert.True(deleterReports.Sum(r => Count(r, "in-use")) > 0, $"no deleter ever found the segment in use:\n{all}");
        }
        finally
        {
            foreach (ChildProcess c in children)
                c.Dispose();
        }
    }

    [Fact]
    public void File_backed_views_deleting_their_file_while_others_open_it_never_unlink_a_file_someone_is_attached_to()
    {
        SkipUnlessLinux();
        using var dir = new TempDirectory();
        string file = dir.File("churn.seg");
        var children = new List<ChildProcess>();
        try
        {
            for (int i = 0; i < Openers + 1; i++)
                Started(children, ["churn-open", "churn", Rounds, "2", "--file", file]);
            foreach (ChildProcess c in children)
                c.Send("go");
            List<string> reports = children.Select(Done).ToList();

            Assert.True(reports.All(r => Count(r, "violations") == 0),
                $"a delete unlinked a file whose opener was attached:\n{string.Join("\n", children.Select(o => o.Output))}");
            Assert.True(reports.Sum(r => Count(r, "deleted")) >= 10, $"the views hardly ever deleted their file:\n{string.Join("\n", reports)}");
        }
        finally
        {
            foreach (ChildProcess c in children)
                c.Dispose();
        }
    }

    /// <summary>The twin: the openers' check does see a name taken from under an attached process (by a forced delete).</summary>
    [Fact]
    public void The_name_check_reports_a_segment_unlinked_under_an_attached_process()
    {
        SkipUnlessLinux();
        using var t = new TestSegment();
        using var holder = ChildProcess.Start(["name-hold", t.Name]);
        Assert.Equal("attached named=yes", holder.ReadLine());

        Assert.Throws<SegmentInUseException>(() => SharedSegment.Delete(t.Name));
        holder.Send("check");
        Assert.Equal("named=yes", holder.ReadLine());

        Assert.True(SharedSegment.ForceDelete(t.Name));
        holder.Send("check");
        Assert.StartsWith("named=no the name is gone", holder.ReadLine());

        // Made anew under the same name: the name now leads to another file.
        using (SharedSegment<TestPayload>.Open(t.Name))
        {
            holder.Send("check");
            Assert.StartsWith("named=no the name leads to", holder.ReadLine());
        }
        holder.Send("quit");
        Assert.Equal(0, holder.WaitForExit());
    }

    private static ChildProcess Started(List<ChildProcess> children, string[] args)
    {
        ChildProcess child = ChildProcess.Start(args);
        children.Add(child);
        Assert.Equal("ready", child.ReadLine());
        return child;
    }

    private static string Done(ChildProcess child)
    {
        string line = child.Expect("done", TimeSpan.FromMinutes(3));
        Assert.True(child.WaitForExit() == 0, $"child {child.Pid} failed: {child.StandardError}");
        return line;
    }

    private static long Count(string report, string key) =>
        long.Parse(Regex.Match(report, $@"\b{key}=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static void SkipUnlessLinux()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip("the openers' name check reads /proc/self/maps (Linux)");
    }
}
