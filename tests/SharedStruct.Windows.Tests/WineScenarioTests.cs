using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace SharedStruct.Windows.Tests;

/// <summary>
/// The Windows platform layer exercised by real Windows processes (the published win-x64 child, under Wine). Every
/// segment name is unique to the test; page-file-backed segments vanish with their last process, so killing the
/// children is all the cleanup they need.
/// </summary>
[Collection(WineCollection.Name)]
public sealed class WineScenarioTests(WineFixture wine)
{
    private static string NewName() => "sst-test-" + Guid.NewGuid().ToString("N").Substring(0, 8);

    [Fact]
    public void Two_windows_processes_see_each_others_writes()
    {
        wine.Require();
        string name = NewName();
        using WineChild a = wine.Start("repl", name);
        Assert.StartsWith("ready creator=True", a.ExpectReady());
        Assert.Equal("set", a.Ask("set 41"));

        using WineChild b = wine.Start("repl", name);
        string ready = b.ExpectReady();
        Assert.StartsWith("ready creator=False", ready);
        Assert.Contains(@"location=Local\sharedstruct." + name, ready);
        Assert.Equal("value 41", b.Ask("get"));
        Assert.Equal("set", b.Ask("set 42"));

        Assert.Equal("value 42", a.Ask("get"));
        a.Exit();
        b.Exit();
    }

    [Fact]
    public void Locking_twice_on_one_thread_throws_and_another_thread_waits()
    {
        // The recursion check tells threads apart by their stacks (GetCurrentThreadStackLimits on Windows).
        wine.Require();
        using WineChild a = wine.Start("repl", NewName());
        a.ExpectReady();
        Assert.Equal("same=recursion other=timeout", a.Ask("recurse"));
        Assert.Equal("set", a.Ask("set 1")); // released normally
        a.Exit();
    }

    [Fact]
    public void Locked_non_atomic_increments_from_several_processes_give_the_exact_total()
    {
        wine.Require();
        const int processes = 4;
        const int increments = 5000;
        string name = NewName();
        var children = new List<WineChild>();
        try
        {
            for (int i = 0; i < processes; i++)
            {
                WineChild child = wine.Start("repl", name);
                children.Add(child);
                child.ExpectReady();
            }
            foreach (WineChild child in children)
                child.Send("inc " + increments.ToString(CultureInfo.InvariantCulture));
            foreach (WineChild child in children)
                Assert.Equal("incremented " + increments.ToString(CultureInfo.InvariantCulture), child.ReadLine(TimeSpan.FromMinutes(3)));
            Assert.Equal("value " + (processes * increments).ToString(CultureInfo.InvariantCulture), children[0].Ask("get"));
            foreach (WineChild child in children)
                child.Exit();
        }
        finally
        {
            foreach (WineChild child in children)
                child.Dispose();
        }
    }

    [Fact]
    public void A_holder_killed_with_sigkill_is_reported_abandoned_to_the_next_locker_ten_times_in_a_row()
    {
        wine.Require();
        const int trials = 10;
        const int lockTimeoutMs = 5000;
        string name = NewName();
        // The waiter keeps the segment alive across trials: a page-file-backed section dies with its last process.
        using WineChild waiter = wine.Start("repl", name);
        waiter.ExpectReady();
        var waits = new List<long>();
        for (int trial = 1; trial <= trials; trial++)
        {
            using WineChild holder = wine.Start("repl", name);
            holder.ExpectReady();
            Assert.Equal("set", holder.Ask("set " + trial.ToString(CultureInfo.InvariantCulture)));
            Assert.Equal("locked abandoned=False", Prefix(holder.Ask("lock 1000")));

            waiter.Send("lock " + lockTimeoutMs.ToString(CultureInfo.InvariantCulture));
            // The waiter must really be waiting on the live holder, not have been handed the lock.
            Assert.False(waiter.TryReadLine(TimeSpan.FromMilliseconds(500), out string? early), $"Trial {trial}: the waiter got an answer while the holder was alive: {early}");

            holder.KillHard();

            string answer = waiter.ReadLine(TimeSpan.FromSeconds(30));
            Assert.True(answer.StartsWith("locked abandoned=True waitedMs=", StringComparison.Ordinal), $"Trial {trial}: expected the lock reported abandoned, got: {answer}");
            long waited = long.Parse(answer.Substring(answer.LastIndexOf('=') + 1), CultureInfo.InvariantCulture);
            Assert.InRange(waited, 0, lockTimeoutMs);
            waits.Add(waited);
            Assert.Equal("unlocked", waiter.Ask("unlock"));
            // Still usable, and the dead holder's last completed write is there.
            Assert.Equal("value " + trial.ToString(CultureInfo.InvariantCulture), waiter.Ask("get"));
        }
        waiter.Exit();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{trials}/{trials} abandonments detected; lock waits including the kill (ms): {string.Join(", ", waits)}. " +
            $"Setup: publish {wine.PublishTime.TotalSeconds:F1} s, first start in a fresh prefix {wine.PrefixTime.TotalSeconds:F1} s.");
    }

    [Fact]
    public void Crash_atomic_sections_of_windows_processes_killed_at_random_are_rolled_back_and_a_reader_never_sees_a_tear()
    {
        // Every section moves A and B together (A++, a pause, B++): A != B anywhere outside a section is a tear.
        wine.Require();
        string name = NewName();
        var random = new Random(1515);
        var workers = new List<WineChild>();
        var lines = new List<string>();
        WineChild StartWorker()
        {
            WineChild w = wine.Start("atomic-chaos", name);
            Assert.Equal("ready", w.ReadLine(TimeSpan.FromSeconds(60)));
            return w;
        }
        void Collect(WineChild w)
        {
            // What it printed before the kill may still be on its way through the pipe (and end-of-file may never
            // come under Wine): take lines until none arrives for a moment.
            while (w.TryReadLine(TimeSpan.FromMilliseconds(200), out string? line))
                lines.Add(line!);
        }
        const int kills = 8;
        string summary;
        try
        {
            workers.Add(StartWorker()); // creates the segment
            using WineChild reader = wine.Start("atomic-reader", name);
            Assert.Equal("ready rollback=True", reader.ExpectReady());
            workers.Add(StartWorker());
            for (int kill = 0; kill < kills; kill++)
            {
                System.Threading.Thread.Sleep(random.Next(50, 150));
                int victim = random.Next(workers.Count);
                workers[victim].KillHard();
                Collect(workers[victim]);
                workers[victim].Dispose();
                workers[victim] = StartWorker();
            }
            System.Threading.Thread.Sleep(500);
            reader.Send("stop");
            summary = reader.ReadLine(TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (WineChild w in workers)
            {
                w.KillHard();
                Collect(w);
                w.Dispose();
            }
        }
        Assert.DoesNotContain(lines, l => l.StartsWith("torn", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("abandoned-not-rolled-back", StringComparison.Ordinal));
        int rolledBack = lines.Count(l => l.StartsWith("rolled-back", StringComparison.Ordinal));
        Assert.True(rolledBack > 0, $"none of {kills} kills hit a critical section; the test proved nothing. Lines: {string.Join(" | ", lines)}");
        Assert.Matches("^done reads=[1-9][0-9]* torn=0 errors=0 mayBeTorn=0 ", summary);
        TestContext.Current.TestOutputHelper?.WriteLine($"{kills} kills, {rolledBack} recoveries rolled back; reader: {summary}");
    }

    [Fact]
    public void A_creator_killed_inside_its_initializer_is_taken_over_by_a_waiting_opener()
    {
        wine.Require();
        for (int trial = 1; trial <= 3; trial++)
        {
            string name = NewName();
            using WineChild creator = wine.Start("repl", name, "--init-hang");
            Assert.Equal("initialising", creator.ReadLine(TimeSpan.FromSeconds(60)));
            // The opener holds the section open (it lives only while some process has it) and waits for it to be ready.
            using WineChild opener = wine.Start("repl", name, "--init", "77", "--open-timeout", "20000");
            Assert.False(opener.TryReadLine(TimeSpan.FromMilliseconds(1500), out string? early), $"Trial {trial}: the opener answered while the creator was alive: {early}");
            creator.KillHard();
            string ready = opener.ReadLine(TimeSpan.FromSeconds(30));
            Assert.True(ready.StartsWith("ready creator=True", StringComparison.Ordinal), $"Trial {trial}: expected the opener to take over as creator, got: {ready}");
            Assert.Equal("value 77", opener.Ask("get"));
            opener.Exit();
        }
    }

    [Fact]
    public void A_layout_mismatch_is_refused()
    {
        wine.Require();
        string name = NewName();
        using WineChild owner = wine.Start("repl", name);
        owner.ExpectReady();
        Assert.Equal("set", owner.Ask("set 7"));

        using WineChild otherFingerprint = wine.Start("repl", name, "--fingerprint", "2");
        string refused = otherFingerprint.ReadLine();
        Assert.StartsWith("error SharedStruct.SegmentLayoutMismatchException ", refused);
        Assert.Contains("8-byte payload", refused);
        Assert.Contains("Close every program that has it open (it disappears with the last one)", refused); // no Delete on Windows

        using WineChild otherSize = wine.Start("repl", name, "--big");
        refused = otherSize.ReadLine();
        Assert.StartsWith("error SharedStruct.SegmentLayoutMismatchException ", refused);
        Assert.Contains("4096-byte payload", refused);

        // The refused openers changed nothing.
        Assert.Equal("value 7", owner.Ask("get"));
        owner.Exit();
    }

    [Fact]
    public void Invalid_names_are_refused_and_a_valid_one_is_accepted()
    {
        wine.Require();
        string valid = NewName();
        string[] invalid = ["Upper", "a/b", @"a\b", "..x", "a..b", "", new string('a', 65), "-lead", "sp ace", @"Global\x"];
        using WineChild child = wine.Start(["names", valid, .. invalid]);
        Assert.Equal("accepted " + valid, child.ReadLine());
        foreach (string name in invalid)
        {
            string line = child.ReadLine();
            Assert.True(line.StartsWith("refused System.ArgumentException ", StringComparison.Ordinal), $"Name \"{name}\" was not refused: {line}");
            Assert.Contains("A segment name is 1 to 64 characters", line);
        }
        child.WaitForExit(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_file_backed_segment_survives_flush_kill_and_reopen()
    {
        wine.Require();
        string name = NewName();
        string directory = Path.Combine(wine.Root, "files");
        Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, name + ".seg");
        try
        {
            using (WineChild writer = wine.Start("repl", name, "--file", WineFixture.WindowsPath(file)))
            {
                Assert.StartsWith("ready creator=True", writer.ExpectReady());
                Assert.Equal("set", writer.Ask("set 1234567"));
                Assert.Equal("flushed", writer.Ask("flush"));
                writer.KillHard();
            }

            // Read from Linux too: the payload (a long) sits right after the header, in the file itself.
            byte[] bytes = File.ReadAllBytes(file);
            Assert.True(bytes.Length >= SharedSegment.HeaderSize + 8, $"The file has {bytes.Length} bytes.");
            Assert.Equal(1234567L, BitConverter.ToInt64(bytes, SharedSegment.HeaderSize));

            using WineChild reader = wine.Start("repl", name, "--file", WineFixture.WindowsPath(file), "--mode", "open-existing");
            Assert.StartsWith("ready creator=False", reader.ExpectReady());
            Assert.Equal("value 1234567", reader.Ask("get"));
            reader.Exit();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_empty_file_in_a_file_backed_segments_place_is_refused_and_left_untouched()
    {
        wine.Require();
        string directory = Path.Combine(wine.Root, "files");
        Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, NewName() + ".seg");
        File.WriteAllBytes(file, []);
        try
        {
            // A short open timeout: an empty file is first taken for a racing creator that has not sized it yet.
            using WineChild child = wine.Start("repl", NewName(), "--file", WineFixture.WindowsPath(file), "--open-timeout", "500");
            Assert.StartsWith("error System.IO.InvalidDataException ", child.ReadLine());
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_page_file_backed_segment_lives_only_while_a_process_has_it_open()
    {
        wine.Require();
        string name = NewName();
        using (WineChild creator = wine.Start("repl", name))
        {
            Assert.StartsWith("ready creator=True", creator.ExpectReady());
            Assert.Equal("set", creator.Ask("set 5"));
            creator.Exit();
        }
        using WineChild opener = wine.Start("repl", name, "--mode", "open-existing");
        Assert.StartsWith("error System.IO.FileNotFoundException ", opener.ReadLine());
    }

    [Fact]
    public void Global_and_local_namespaces_are_separate_and_wider_sharing_still_opens()
    {
        wine.Require();
        string name = NewName();
        using WineChild global = wine.Start("repl", name, "--global", "--sharing", "everyone");
        string ready = global.ExpectReady();
        Assert.Contains(@"location=Global\sharedstruct." + name, ready);
        Assert.Equal("set", global.Ask("set 11"));

        using (WineChild globalReader = wine.Start("repl", name, "--global", "--mode", "open-existing"))
        {
            Assert.StartsWith("ready creator=False", globalReader.ExpectReady());
            Assert.Equal("value 11", globalReader.Ask("get"));
            globalReader.Exit();
        }
        using (WineChild localReader = wine.Start("repl", name, "--mode", "open-existing"))
            Assert.StartsWith("error System.IO.FileNotFoundException ", localReader.ReadLine());

        using WineChild group = wine.Start("repl", name, "--sharing", "group");
        Assert.StartsWith("ready creator=True", group.ExpectReady()); // Local\: a different segment
        Assert.Equal("value 0", group.Ask("get"));
        group.Exit();
        global.Exit();
    }

    [Fact]
    public void A_read_only_view_reads_and_the_processor_refuses_a_write_through_it()
    {
        wine.Require();
        string name = NewName();
        using WineChild owner = wine.Start("repl", name);
        owner.ExpectReady();
        Assert.Equal("set", owner.Ask("set 99"));

        using (WineChild reader = wine.Start("peek", name))
        {
            Assert.Equal("value 99", reader.ReadLine());
            reader.WaitForExit(TimeSpan.FromSeconds(30));
            Assert.Equal(0, reader.ExitCode);
        }

        using (WineChild vandal = wine.Start("peek", name, "--try-write"))
        {
            Assert.Equal("value 99", vandal.ReadLine());
            vandal.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.False(vandal.TryReadLine(TimeSpan.Zero, out string? wrote) && wrote == "wrote", "A write through the read-only view succeeded.");
            Assert.NotEqual(0, vandal.ExitCode); // killed by the access violation
        }
        Assert.Equal("value 99", owner.Ask("get"));
        owner.Exit();
    }

    [Fact]
    public void An_owner_only_open_refuses_a_section_another_owner_made()
    {
        wine.Require();
        string name = NewName();
        using WineChild squatter = wine.Start("squat", name);
        Assert.Equal("squatting", squatter.ReadLine());

        using WineChild victim = wine.Start("repl", name);
        string line = victim.ReadLine();
        Assert.True(line.StartsWith("error System.UnauthorizedAccessException ", StringComparison.Ordinal), $"The squatted section was not refused: {line}");
        Assert.Contains("S-1-5-18", line); // names the owner it found (LocalSystem)
        squatter.Send("");
        squatter.WaitForExit(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Watchers_sleep_until_another_process_writes_and_time_out_without_a_write()
    {
        wine.Require();
        string name = NewName();
        using WineChild owner = wine.Start("repl", name);
        owner.ExpectReady();
        using WineChild watcher = wine.Start("repl", name);
        watcher.ExpectReady();

        foreach (string verb in new[] { "wait", "waitasync" })
        {
            string version = After("version ", watcher.Ask("version"));
            watcher.Send($"{verb} {version} 30000");
            Assert.False(watcher.TryReadLine(TimeSpan.FromMilliseconds(800), out string? early), $"{verb}: the watcher woke with no change: {early}");
            Assert.Equal("set", owner.Ask("set 5"));
            string woke = watcher.ReadLine(TimeSpan.FromSeconds(20));
            Assert.True(woke.StartsWith("changed version=", StringComparison.Ordinal), $"{verb}: expected a wake, got: {woke}");
            Assert.NotEqual(version, After("changed version=", woke));

            // With no write, the same wait ends at its timeout.
            Assert.Equal("timeout", watcher.Ask($"{verb} {After("changed version=", woke)} 300", TimeSpan.FromSeconds(20)));
        }

        // A read-only view watches too, and sees the value the change made.
        Assert.Equal("set", owner.Ask("set 6"));
        using (WineChild reader = wine.Start("peek", name, "--wait-change", "30000"))
        {
            Assert.Equal("value 6", reader.ReadLine());
            Assert.StartsWith("version ", reader.ReadLine());
            Assert.False(reader.TryReadLine(TimeSpan.FromMilliseconds(800), out string? early), $"The read-only watcher woke with no change: {early}");
            Assert.Equal("set", owner.Ask("set 7"));
            Assert.Equal("changed value=7", reader.ReadLine(TimeSpan.FromSeconds(20)));
            reader.WaitForExit(TimeSpan.FromSeconds(30));
            Assert.Equal(0, reader.ExitCode);
        }
        watcher.Exit();
        owner.Exit();
    }

    [Fact]
    public void Change_waits_and_lock_waits_end_soon_after_cancellation()
    {
        wine.Require();
        string name = NewName();
        using WineChild holder = wine.Start("repl", name);
        holder.ExpectReady();
        using WineChild waiter = wine.Start("repl", name);
        waiter.ExpectReady();
        Assert.Equal("locked abandoned=False", Prefix(holder.Ask("lock 1000")));

        foreach (string verb in new[] { "waitcancel", "waitasynccancel", "lockcancel" })
        {
            string answer = waiter.Ask($"{verb} 30000 300", TimeSpan.FromSeconds(20));
            Assert.True(answer.StartsWith("cancelled waitedMs=", StringComparison.Ordinal), $"{verb}: expected cancellation, got: {answer}");
            long waited = long.Parse(After("cancelled waitedMs=", answer), CultureInfo.InvariantCulture);
            // Not before the token fired, and far sooner than the 30 s timeout (the bound leaves room for a loaded machine).
            Assert.InRange(waited, 250, 5000);
        }
        Assert.Equal("unlocked", holder.Ask("unlock"));
        waiter.Exit();
        holder.Exit();
    }

    private static string After(string prefix, string line)
    {
        Assert.True(line.StartsWith(prefix, StringComparison.Ordinal), $"Expected '{prefix}…', got: {line}");
        return line.Substring(prefix.Length);
    }

    private static string Prefix(string line)
    {
        int i = line.IndexOf(" waitedMs=", StringComparison.Ordinal);
        return i < 0 ? line : line.Substring(0, i);
    }
}
