using System;
using System.Collections.Generic;

namespace SharedStruct.Benchmarks.Watching;

/// <summary>Everything the "Change notification" section of the report shows.</summary>
internal sealed record ChangeNotificationResults(
    IReadOnlyList<WakeLatencyResult> Latency,
    IReadOnlyList<WriterCostRow> WriterCost,
    string? WriterCostFailure,
    IdleWatcherResult Idle);

/// <summary>Runs the change-notification measurements: wake latency, idle wake-ups, then the writer-cost benchmarks.</summary>
internal static class ChangeNotificationRun
{
    /// <summary>Each wake-latency method runs this many times, interleaved with the others (see <see cref="WakeLatencyRun.RunInterleaved"/>).</summary>
    public const int LatencyRepeats = 3;

    public static ChangeNotificationResults Run(bool isShort, bool writerCost, string appPath)
    {
        int fast = isShort ? 5_000 : 20_000, polled = isShort ? 200 : 1_000;
        List<WakeLatencyResult> latency = WakeLatencyRun.RunInterleaved(
            [(WakeLatencyRun.SharedStructMethod, fast), (WakeLatencyRun.FutexMethod, fast), (WakeLatencyRun.PollingMethod, polled)],
            LatencyRepeats);
        foreach (WakeLatencyResult r in latency)
            Console.WriteLine(r.Finished
                ? $"wake latency, {r.Method}: p50 {r.P50Ns:F0} ns p99 {r.P99Ns:F0} ns ({r.Samples} one-way samples)"
                : $"wake latency, {r.Method}: failed: {r.Failure}");

        IdleWatcherResult idle;
        try
        {
            idle = IdleWatcherRun.Run(TimeSpan.FromSeconds(isShort ? 3 : 10));
        }
        catch (Exception e) when (e is InvalidOperationException or System.IO.IOException)
        {
            idle = new IdleWatcherResult(0, double.NaN, double.NaN, double.NaN, 0, e.Message);
        }
        Console.WriteLine(idle.Finished
            ? $"idle watcher: waiting thread {idle.WaiterPerSecond:F1}/s, process {idle.ProcessPerSecond:F1}/s voluntary ({idle.Threads} threads, {idle.Seconds:F1} s)"
            : $"idle watcher: failed: {idle.Failure}");

        IReadOnlyList<WriterCostRow> writer = Array.Empty<WriterCostRow>();
        string? writerFailure = null;
        if (!writerCost)
            return new ChangeNotificationResults(latency, writer, "skipped (--no-writer-cost)", idle);
        try
        {
            writer = WriterCostRun.Run(isShort, appPath);
            if (writer.Count == 0)
                writerFailure = "BenchmarkDotNet reported no results (see its log above)";
        }
        catch (Exception e) when (e is InvalidOperationException or System.IO.IOException)
        {
            writerFailure = e.Message;
        }
        return new ChangeNotificationResults(latency, writer, writerFailure, idle);
    }
}
