using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Xunit;

namespace SharedStruct.Windows.Tests;

/// <summary>
/// The change-notification scenarios of the Linux suite (ChangeWatchTests) with every process a Windows one under Wine,
/// so the wakes go through the Windows layer's named kernel objects instead of a futex. The verbs are the Linux
/// suite's own (watch, bump, hold, increment, reader), at sizes that keep the slow Wine process starts few.
/// </summary>
/// <remarks>
/// Two things differ from Linux. The test process cannot map a Windows section (it is a Linux process), so it cannot
/// read the watcher count from the header: a Windows child (the watchers verb) reads it instead. And a page-file-backed
/// segment vanishes with its last handle, so a Windows process keeps each segment alive where the Linux test's own
/// handle does.
/// </remarks>
[Collection(WineCollection.Name)]
public sealed class WineChangeWatchTests(WineFixture wine)
{
    private const int Changes = 300;
    private static readonly string[] Modes = ["rw", "ro", "rw-async", "ro-async", "stream"];
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    private static string NewName() => "sst-test-" + Guid.NewGuid().ToString("N").Substring(0, 8);

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Watchers_in_other_windows_processes_each_see_the_final_value_of_a_writer_in_another(bool lockFree)
    {
        wine.Require();
        string name = NewName();
        // The writer creates the segment; the keeper holds it open past the writer and the watchers, for the late watcher.
        using WineChild writer = wine.Start("bump", name, Count(Changes), lockFree ? "lockfree" : "locked");
        Assert.Equal("ready", writer.ReadLine());
        using WineChild keeper = wine.Start("reader", name);
        Assert.Equal("attached value=0", keeper.ReadLine());

        var watchers = new List<WineChild>();
        try
        {
            // No safety poll: a lost wake-up leaves a watcher asleep until its 30 s timeout, and it prints "timeout".
            // Started together: Wine process starts are slow, and they overlap well.
            foreach (string mode in Modes)
                watchers.Add(wine.Start("watch", name, Count(Changes), mode, "--no-safety-poll"));
            for (int i = 0; i < watchers.Count; i++)
                Assert.Equal("ready", watchers[i].ReadLine(Long));
            // All five asleep on the kernel object, not polling: a read-only view that could not register (no writable
            // header) would poll every 10 ms and pass without any wake. The stream registers just after its "ready".
            WaitForWatchers(name, Modes.Length);

            writer.Send("go");
            Assert.Equal("done", writer.ReadLine(Long));
            for (int i = 0; i < watchers.Count; i++)
            {
                string line = watchers[i].ReadLine(Long);
                Assert.True(line.StartsWith($"final value={Changes} ", StringComparison.Ordinal), $"Watcher {Modes[i]}: expected the final value, got: {line}");
                watchers[i].WaitForExit(TimeSpan.FromSeconds(30));
                Assert.Equal(0, watchers[i].ExitCode);
            }
        }
        finally
        {
            foreach (WineChild watcher in watchers)
                watcher.Dispose();
        }

        // One that starts after the last change sees it at once.
        using (WineChild late = wine.Start("watch", name, Count(Changes), "ro"))
        {
            Assert.Equal("ready", late.ReadLine(Long));
            Assert.StartsWith($"final value={Changes} ", late.ReadLine(Long));
            late.WaitForExit(TimeSpan.FromSeconds(30));
            Assert.Equal(0, late.ExitCode);
        }
        Assert.Equal("watchers 0", Ask("watchers", name)); // each left the count when it closed
        keeper.Send("");
        Assert.Equal($"value={Changes}", keeper.ReadLine(Long));
    }

    [Fact]
    public void Twin_a_watcher_without_a_safety_poll_does_notice_a_writer_that_never_wakes_it()
    {
        // Proves the test above can fail under Wine too: lock-free writes that skip the notification leave it asleep. Its
        // wait (3 s) outlasts the writer's 50 writes by far, so they happen while it sleeps.
        wine.Require();
        string name = NewName();
        using WineChild writer = wine.Start("bump", name, "50", "silent");
        Assert.Equal("ready", writer.ReadLine());
        using WineChild watcher = wine.Start("watch", name, "50", "rw", "3000", "--no-safety-poll");
        Assert.Equal("ready", watcher.ReadLine(Long));
        writer.Send("go");
        Assert.Equal("done", writer.ReadLine(Long));
        Assert.Equal("timeout value=0", watcher.ReadLine(Long));
    }

    [Fact]
    public void A_writer_killed_mid_write_does_not_strand_watchers()
    {
        wine.Require();
        string name = NewName();
        // Creates the segment, and after "go" is the next writer: it recovers the dead holder's lock and counts to 7.
        using WineChild recoverer = wine.Start("increment", name, "7");
        Assert.Equal("ready", recoverer.ReadLine());
        // No safety poll (the Linux test keeps it): the watcher then sees 7 only if the recovering writer's releases wake it.
        using WineChild watcher = wine.Start("watch", name, "7", "ro", "--no-safety-poll");
        Assert.Equal("ready", watcher.ReadLine(Long));
        using WineChild holder = wine.Start("hold", name);
        Assert.StartsWith("locked ", holder.ReadLine(Long));
        holder.KillHard();

        // A watcher that starts now reads what the dead holder left, and its bounded wait is not left asleep beyond its
        // timeout: the dead holder's half-write is no change.
        using (WineChild bounded = wine.Start("watch", name, "7", "ro-async", "300", "--no-safety-poll"))
        {
            Assert.Equal("ready", bounded.ReadLine(Long));
            Assert.Equal("timeout value=0", bounded.ReadLine(Long));
        }
        recoverer.Send("go");
        Assert.Equal("done abandoned=1", recoverer.ReadLine(Long));
        Assert.StartsWith("final value=7 ", watcher.ReadLine(Long));
    }

    /// <summary>Asks a short-lived child that prints one line.</summary>
    private string Ask(params string[] args)
    {
        using WineChild child = wine.Start(args);
        string line = child.ReadLine(Long);
        child.WaitForExit(TimeSpan.FromSeconds(30));
        return line;
    }

    private void WaitForWatchers(string name, int expected)
    {
        string line = "";
        for (int attempt = 0; attempt < 10; attempt++)
        {
            line = Ask("watchers", name);
            if (line == "watchers " + Count(expected))
                return;
            Thread.Sleep(200);
        }
        Assert.Fail($"Expected {expected} registered watchers, the last look said: {line}");
    }
}
