using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using SharedStruct.Format;

namespace SharedStruct.Benchmarks.Watching;

/// <summary>An idle watcher's wake-ups: voluntary context switches per second of the waiting thread and of its whole process.</summary>
internal sealed record IdleWatcherResult(double Seconds, double WaiterPerSecond, double ProcessPerSecond, double ProcessInvoluntaryPerSecond, int Threads, string? Failure)
{
    public bool Finished => Failure is null;
}

/// <summary>
/// A child process blocked in WaitForChange (a long timeout) on a segment nobody writes. Its threads' voluntary context
/// switches (/proc/PID/task/*/status) are read before and after a few seconds: each is a sleep that ended, i.e. a wake-up.
/// </summary>
internal static unsafe partial class IdleWatcherRun
{
    public static IdleWatcherResult Run(TimeSpan duration)
    {
        string name = $"bench-idle{Environment.ProcessId}";
        using var segment = SharedSegment<BenchPayload>.Open(name);
        var header = (SegmentHeader*)((byte*)Unsafe.AsPointer(ref segment.GetUnsynchronizedReference()) - SegmentHeader.PayloadOffsetValue);
        BenchChild? child = null;
        try
        {
            child = BenchChild.Start("idle-watcher", name);
            string line = child.Expect("ready ", TimeSpan.FromSeconds(60));
            int tid = int.Parse(line.AsSpan("ready ".Length), CultureInfo.InvariantCulture);
            // Measure only once the watcher sleeps in the kernel, and the start-up's own activity has settled.
            var wait = Stopwatch.StartNew();
            while (Volatile.Read(ref header->ChangeSleepers) == 0)
            {
                if (wait.Elapsed > TimeSpan.FromSeconds(30))
                    return new IdleWatcherResult(0, double.NaN, double.NaN, double.NaN, 0, "the watcher never went to sleep");
                Thread.Sleep(10);
            }
            Thread.Sleep(500);
            Dictionary<int, (long Voluntary, long Involuntary)> before = Switches(child.Id);
            var clock = Stopwatch.StartNew();
            Thread.Sleep(duration);
            Dictionary<int, (long Voluntary, long Involuntary)> after = Switches(child.Id);
            double seconds = clock.Elapsed.TotalSeconds;
            if (!before.ContainsKey(tid) || !after.ContainsKey(tid))
                return new IdleWatcherResult(seconds, double.NaN, double.NaN, double.NaN, after.Count, $"thread {tid} not found in /proc/{child.Id}/task");
            long voluntary = 0, involuntary = 0;
            foreach ((int task, (long v, long n)) in after)
            {
                // A thread that started meanwhile counts from zero; one that ended meanwhile is lost (the thread count says).
                (long v0, long n0) = before.TryGetValue(task, out var b) ? b : (0, 0);
                voluntary += v - v0;
                involuntary += n - n0;
            }
            return new IdleWatcherResult(seconds, (after[tid].Voluntary - before[tid].Voluntary) / seconds, voluntary / seconds, involuntary / seconds, after.Count, null);
        }
        finally
        {
            child?.Dispose();
            segment.Delete();
        }
    }

    private static Dictionary<int, (long Voluntary, long Involuntary)> Switches(int pid)
    {
        var result = new Dictionary<int, (long, long)>();
        foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            long voluntary = -1, involuntary = -1;
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        voluntary = long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        involuntary = long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                continue; // the thread ended while being read
            }
            if (voluntary >= 0)
                result[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (voluntary, involuntary);
        }
        return result;
    }

    /// <summary>The child side: <c>idle-watcher NAME</c>; prints its waiting thread's kernel thread id.</summary>
    public static int Watcher(string name)
    {
        using var segment = SharedSegment<BenchPayload>.Open(name, new SharedSegmentOptions { Mode = SegmentOpenMode.OpenExisting });
        var waiter = new Thread(() =>
        {
            Console.WriteLine("ready " + GetTid().ToString(CultureInfo.InvariantCulture));
            while (true)
                segment.WaitForChange(segment.Version, TimeSpan.FromMinutes(10));
        }) { IsBackground = true, Name = "watcher" };
        waiter.Start();
        while (Console.In.ReadLine() is not null)
        {
        }
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
