using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SharedStruct.Tests;

/// <summary>
/// Each sample runs to completion as real processes, in a private segment directory and a private TMPDIR (the classic
/// recipe's named Mutex keeps its files there), both removed afterwards.
/// </summary>
[Collection("samples")]
public sealed class SampleTests : IDisposable
{
    private readonly TempDirectory _segments = new();
    private readonly TempDirectory _tmp = new();

    private Dictionary<string, string> Environment => new() { ["TMPDIR"] = _tmp.Path };

    public void Dispose()
    {
        _segments.Dispose();
        _tmp.Dispose();
    }

    [Fact]
    public void Counter_reaches_the_exact_count_with_both_recipes_and_cleans_up()
    {
        using var counter = ChildProcess.StartProgram("Counter.dll", ["--workers", "3", "--count", "3000", "--dir", _segments.Path], environment: Environment);
        var lines = new List<string>();
        while (lines.Count == 0 || !lines[^1].StartsWith("SharedStruct did the same job", StringComparison.Ordinal))
            lines.Add(counter.ReadLine(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, counter.WaitForExit());

        Assert.Equal("Counter: 3 worker processes x 3,000 locked increments of one shared counter (" + System.Environment.ProcessorCount + " cores here)", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("SharedStruct lock: final count 9,000 (exact) in ", StringComparison.Ordinal) && l.EndsWith(" increments/s", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("classic named-Mutex recipe: final count 9,000 (exact) in ", StringComparison.Ordinal));
        Assert.Matches(@"^SharedStruct did the same job [0-9.]+x faster than the classic recipe\.$", lines[^1]);
        Assert.Empty(Directory.GetFileSystemEntries(_segments.Path)); // segment and recipe file deleted
    }

    [Fact]
    public void SharedNote_watch_sees_a_set_from_another_instance_and_show_prints_it()
    {
        using var watch = ChildProcess.StartProgram("SharedNote.dll", ["watch", "--count", "1", "--dir", _segments.Path]);
        Assert.Equal("note: (empty)", watch.ReadLine());

        using (var set = ChildProcess.StartProgram("SharedNote.dll", ["set", "hello", "from", "another", "process", "--dir", _segments.Path]))
        {
            Assert.Equal("note set: hello from another process", set.ReadLine());
            Assert.Equal(0, set.WaitForExit());
        }
        Assert.Matches(@"^note v1 by process [0-9]+: hello from another process$", watch.ReadLine());
        Assert.Equal(0, watch.WaitForExit());

        using var show = ChildProcess.StartProgram("SharedNote.dll", ["show", "--dir", _segments.Path]);
        Assert.Matches(@"^note v1 by process [0-9]+: hello from another process$", show.ReadLine());
        Assert.Equal(0, show.WaitForExit());

        string longText = new('x', 150);
        using (var set = ChildProcess.StartProgram("SharedNote.dll", ["set", longText, "--dir", _segments.Path]))
            Assert.Equal("note set: " + new string('x', 99), set.ReadLine()); // truncated to fit, NUL-terminated
    }

    [Fact]
    public void Telemetry_reader_that_starts_late_sees_the_current_state_at_once()
    {
        using var publisher = ChildProcess.StartProgram("Telemetry.dll", ["publish", "--rate", "50", "--dir", _segments.Path]);
        Assert.Equal("publishing to 'sample.telemetry' at 50 Hz", publisher.ReadLine());
        System.Threading.Thread.Sleep(500); // the publisher is well under way before the reader starts

        using var reader = ChildProcess.StartProgram("Telemetry.dll", ["read", "--count", "3", "--dir", _segments.Path]);
        var first = System.Text.RegularExpressions.Regex.Match(reader.ReadLine(), @"^#([0-9]+) from process ([0-9]+): cpu ");
        Assert.True(first.Success);
        Assert.True(long.Parse(first.Groups[1].Value) > 1, "a late reader should see the publisher's current sequence, not the start");
        Assert.Equal(publisher.Pid, int.Parse(first.Groups[2].Value));
        reader.ReadLine();
        reader.ReadLine();
        Assert.Equal(0, reader.WaitForExit());
    }
}
