using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// samples/ServiceWithSidecar as two real processes: the Generic Host worker publishes health and per-worker statistics
/// through AddSharedSegment, the sidecar watches them read-only; stopping the worker with SIGTERM (as systemd or a
/// container runtime would) deletes the segment, since the sidecar has left by then.
/// </summary>
[Collection("samples")]
public sealed class ServiceWithSidecarTests : IDisposable
{
    private const string Segment = "sample.service.health";
    private readonly TempDirectory _segments = new();

    public void Dispose() => _segments.Dispose();

    [Fact]
    public void The_sidecar_sees_the_workers_health_and_statistics_and_stopping_the_worker_leaves_nothing_behind()
    {
        using var worker = ChildProcess.StartProgram("ServiceWithSidecar.Worker.dll", ["--workers", "3", "--item-ms", "10", "--fail-every", "4", "--dir", _segments.Path]);
        var workerLines = new List<string>();
        ReadUntil(worker, workerLines, $"Publishing health of 3 workers to shared segment '{Segment}'");
        Assert.Contains(workerLines, l => l.Contains($"Opened shared segment '{Segment}' (created it)", StringComparison.Ordinal));

        var sidecarLines = new List<string>();
        using (var sidecar = ChildProcess.StartProgram("ServiceWithSidecar.Sidecar.dll", ["--until-processed", "20", "--dir", _segments.Path]))
        {
            ReadUntil(sidecar, sidecarLines, "sidecar done: ");
            Assert.Equal(0, sidecar.WaitForExit());
        }
        Assert.Equal($"watching '{Segment}' at {Path.Combine(_segments.Path, "sharedstruct." + Segment)}", sidecarLines[0]);
        Assert.Contains($"service {worker.Pid}: Healthy, 3 workers", sidecarLines);

        // The last report: every worker at 20 items or more, and each worker's failures exactly every 4th item, which
        // holds only because an item's numbers are written under one lock and read as one consistent snapshot.
        int last = sidecarLines.FindLastIndex(l => l.StartsWith($"service {worker.Pid}: Healthy, up ", StringComparison.Ordinal));
        Assert.True(last >= 0, string.Join("\n", sidecarLines));
        Assert.Matches(@"heartbeat [0-9]+ ms ago$", sidecarLines[last]);
        long total = 0, failed = 0;
        for (int i = 0; i < 3; i++)
        {
            Match m = Regex.Match(sidecarLines[last + 1 + i], $@"^  worker {i}: processed ([0-9]+), failed ([0-9]+), mean ([0-9.]+) ms per item$");
            Assert.True(m.Success, sidecarLines[last + 1 + i]);
            long processed = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            long workerFailed = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.True(processed >= 20, $"worker {i} processed {processed}");
            Assert.Equal(processed / 4, workerFailed);
            Assert.True(double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) >= 10, "an item takes at least its 10 ms delay");
            total += processed;
            failed += workerFailed;
        }
        Match done = Regex.Match(sidecarLines[^1], @"^sidecar done: ([0-9]+) changes seen, ([0-9]+) items processed, ([0-9]+) failed$");
        Assert.True(done.Success, sidecarLines[^1]);
        Assert.Equal(total, long.Parse(done.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(failed, long.Parse(done.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.InRange(long.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture), 1, total + 1000); // 1 when the sidecar started after the 20th item

        // SIGTERM: the host shuts down gracefully, the workers stop, the publisher reports Stopped, and the segment is
        // deleted because nobody else has it open any more.
        Terminate(worker.Pid);
        Assert.Equal(0, worker.WaitForExit());
        workerLines.AddRange(worker.Output.Split('\n').Skip(workerLines.Count));
        Assert.Contains(workerLines, l => l.Contains($"Published Stopped to shared segment '{Segment}'", StringComparison.Ordinal));
        Assert.Contains(workerLines, l => l.Contains($"Deleted shared segment '{Segment}' at shutdown", StringComparison.Ordinal));
        Assert.DoesNotContain(workerLines, l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(_segments.Path));
    }

    [Fact]
    public void A_sidecar_watching_for_seconds_follows_the_worker_through_its_shutdown_to_Stopped()
    {
        // Several seconds of steady writes, then SIGTERM: the sidecar's WatchAsync must keep up the whole time (an
        // async watcher once stalled after about 2 s of this) and see Stopping and Stopped.
        using var worker = ChildProcess.StartProgram("ServiceWithSidecar.Worker.dll", ["--workers", "2", "--item-ms", "10", "--dir", _segments.Path]);
        var workerLines = new List<string>();
        ReadUntil(worker, workerLines, $"Publishing health of 2 workers to shared segment '{Segment}'");
        using var sidecar = ChildProcess.StartProgram("ServiceWithSidecar.Sidecar.dll", ["--dir", _segments.Path]);
        var sidecarLines = new List<string>();
        ReadUntil(sidecar, sidecarLines, $"service {worker.Pid}: Healthy, 2 workers");
        System.Threading.Thread.Sleep(4000);
        Terminate(worker.Pid);
        Assert.Equal(0, worker.WaitForExit());

        ReadUntil(sidecar, sidecarLines, "sidecar done: ");
        Assert.Equal(0, sidecar.WaitForExit());
        Assert.Contains($"service {worker.Pid}: Stopping, 2 workers", sidecarLines);
        Assert.Contains($"service {worker.Pid}: Stopped, 2 workers", sidecarLines);
        Assert.True(sidecarLines.Count(l => l.StartsWith($"service {worker.Pid}: Healthy, up ", StringComparison.Ordinal)) >= 4,
            "the sidecar should have reported once a second while the worker ran:\n" + string.Join("\n", sidecarLines));

        // The sidecar may still have had the segment open when the worker deleted at shutdown: then the worker kept it
        // and said so. Either way the worker said what it did; the test's directory goes with the test.
        workerLines.AddRange(worker.Output.Split('\n').Skip(workerLines.Count));
        bool deleted = workerLines.Any(l => l.Contains($"Deleted shared segment '{Segment}' at shutdown", StringComparison.Ordinal));
        bool kept = workerLines.Any(l => l.Contains($"Kept shared segment '{Segment}'", StringComparison.Ordinal));
        Assert.True(deleted != kept, string.Join("\n", workerLines));
        Assert.Equal(kept, File.Exists(Path.Combine(_segments.Path, "sharedstruct." + Segment)));
    }

    private static void ReadUntil(ChildProcess child, List<string> lines, string text)
    {
        while (true)
        {
            string line = child.ReadLine(TimeSpan.FromMinutes(1));
            lines.Add(line);
            if (line.Contains(text, StringComparison.Ordinal))
                return;
        }
    }

    private static void Terminate(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
