using System;
using System.Globalization;
using SharedStruct.Scenarios;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Commands;

/// <summary><c>sharedstruct stats</c>: the header's statistics, counted by real child processes, shown without the struct's assembly.</summary>
[Collection(ProcessCollection.Name)]
public class StatsTests
{
    [Fact]
    public void Stats_shows_what_every_process_counted_including_a_timeout_and_a_recovery_from_kill_9()
    {
        using var t = new TestSegment();
        using (var seg = SharedSegment<TestPayload>.Open(t.Name))
        {
            for (int i = 0; i < 3; i++)
                seg.Lock(TimeSpan.FromSeconds(1)).Dispose();
        }
        ToolResult fresh = ToolRun.Run("stats", t.Name);
        Assert.True(fresh.ExitCode == ExitCodes.Ok, fresh.ToString());
        Assert.Equal("3", Columns.Header(fresh.Output, "Acquisitions"));
        Assert.Equal("0", Columns.Header(fresh.Output, "Contended"));
        Assert.Equal("none", Columns.Header(fresh.Output, "Waits"));
        Assert.Equal("none", Columns.Header(fresh.Output, "Recoveries"));

        string pid;
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            pid = holder.Expect("locked pid=").Substring("locked pid=".Length);
            using (var impatient = ChildProcess.Start(["try-lock", t.Name, "50"]))
            {
                impatient.Expect("ready");
                Assert.Equal("timeout", impatient.ReadLine());
            }
            holder.KillHard();
        }
        using (var recoverer = ChildProcess.Start(["try-lock", t.Name, "20000"]))
        {
            recoverer.Expect("ready");
            Assert.Equal("acquired abandoned=True", recoverer.ReadLine());
        }

        ToolResult after = ToolRun.Run("stats", t.Name);
        Assert.True(after.ExitCode == ExitCodes.Ok, after.ToString());
        Assert.Equal(t.Name, Columns.Header(after.Output, "Segment"));
        Assert.Equal("5", Columns.Header(after.Output, "Acquisitions")); // 3 + the holder + the recoverer
        Assert.StartsWith("1 (", Columns.Header(after.Output, "Contended")); // the recoverer waited
        Assert.StartsWith("total ", Columns.Header(after.Output, "Waits"));
        Assert.Equal("1", Columns.Header(after.Output, "Timeouts"));
        string recoveries = Columns.Header(after.Output, "Recoveries");
        Assert.StartsWith("1, last at ", recoveries);
        Assert.EndsWith($" from dead process {pid}", recoveries);
        Assert.Equal("0", Columns.Header(after.Output, "Snapshot retries"));
        Assert.Equal(int.Parse(pid, CultureInfo.InvariantCulture), SegmentInspector.Inspect(t.Name, t.Options).Statistics.LastRecoveredPid);
    }

    [Fact]
    public void Stats_of_a_missing_segment_says_so()
    {
        ToolResult missing = ToolRun.Run("stats", "sst-no-such-segment-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.NotEqual(ExitCodes.Ok, missing.ExitCode);
        Assert.Contains("sst-no-such-segment-", missing.Error);
    }
}
