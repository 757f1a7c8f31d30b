using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using SharedStruct.Benchmarks.Baselines;

namespace SharedStruct.Benchmarks.Contention;

/// <summary>One contended run: N worker processes, each doing M locked non-atomic increments of one counter.</summary>
internal sealed record ContentionResult(string Method, int Workers, long PerWorker, long FinalCount, TimeSpan Elapsed, double P50Ns, double P99Ns, bool Finished)
{
    /// <summary>Futex wakes the releases made (SharedStruct only), and how many of them woke nobody.</summary>
    public long Wakes { get; init; }
    public long FutileWakes { get; init; }

    public bool Exact => Finished && FinalCount == Workers * PerWorker;
    public double PerSecond => Finished ? Workers * PerWorker / Elapsed.TotalSeconds : double.NaN;
}

/// <summary>
/// Multi-process contention, with real worker processes started from this same program. Acquire latency is sampled on
/// every 16th acquire (two timestamps cost more than the uncontended lock itself), and the final count is checked.
/// </summary>
internal static unsafe class ContentionRun
{
    public const string SharedStructMethod = "SharedStruct Lock";
    public const string MutexMethod = "named Mutex recipe";
    public const string CasMethod = "bare CAS spin lock";
    private const int SampleEvery = 16;
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(3);

    public static ContentionResult Run(string method, int workers, long perWorker)
    {
        string name = $"bench-c{Environment.ProcessId}-{workers}-{method.Split(' ')[0].ToLowerInvariant()}";
        using var segment = SharedSegment<BenchPayload>.Open(name);
        NamedMutexRecipe? recipe = method == MutexMethod ? new NamedMutexRecipe(name, create: true) : null;
        var children = new List<Process>();
        try
        {
            for (int i = 0; i < workers; i++)
                children.Add(StartWorker(method, name, perWorker));
            foreach (Process c in children)
                Expect(c, "ready");
            var sw = Stopwatch.StartNew();
            foreach (Process c in children)
                c.StandardInput.WriteLine("go");
            var p50s = new List<double>();
            var p99s = new List<double>();
            long wakes = 0, futile = 0;
            bool finished = true;
            foreach (Process c in children)
            {
                TimeSpan left = Cap - sw.Elapsed;
                string? line = left > TimeSpan.Zero ? ReadLineWithin(c, left) : null;
                if (line is null || !line.StartsWith("done ", StringComparison.Ordinal))
                {
                    finished = false;
                    break;
                }
                string[] parts = line.Split(' ');
                p50s.Add(double.Parse(parts[1], CultureInfo.InvariantCulture));
                p99s.Add(double.Parse(parts[2], CultureInfo.InvariantCulture));
                wakes += long.Parse(parts[3], CultureInfo.InvariantCulture);
                futile += long.Parse(parts[4], CultureInfo.InvariantCulture);
            }
            sw.Stop();
            long final = recipe is null ? segment.GetUnsynchronizedReference().Hits : recipe.Accessor.ReadInt64(0);
            return new ContentionResult(method, workers, perWorker, final, sw.Elapsed,
                finished ? p50s.Average() : double.NaN, finished ? p99s.Max() : double.NaN, finished) { Wakes = wakes, FutileWakes = futile };
        }
        finally
        {
            foreach (Process c in children)
            {
                if (!c.HasExited)
                    c.Kill();
                c.WaitForExit(TimeSpan.FromSeconds(30));
                c.Dispose();
            }
            recipe?.Dispose();
            recipe?.Delete();
            segment.Delete();
        }
    }

    /// <summary>The worker side: <c>contention-worker METHOD NAME COUNT</c>.</summary>
    public static int Worker(string method, string name, long count)
    {
        using var segment = SharedSegment<BenchPayload>.Open(name, new SharedSegmentOptions { Mode = SegmentOpenMode.OpenExisting });
        using NamedMutexRecipe? recipe = method == MutexMethod ? new NamedMutexRecipe(name, create: false) : null;
        var raw = (BenchPayload*)Unsafe.AsPointer(ref segment.GetUnsynchronizedReference());
        var samples = new long[count / SampleEvery + 1];
        int sampled = 0;
        Console.WriteLine("ready");
        Console.ReadLine();
        TimeSpan timeout = TimeSpan.FromSeconds(10);
        for (long i = 0; i < count; i++)
        {
            bool sample = i % SampleEvery == 0;
            long t0 = sample ? Stopwatch.GetTimestamp() : 0;
            switch (method)
            {
                case SharedStructMethod:
                {
                    using var guard = segment.Lock(timeout);
                    if (sample)
                        samples[sampled++] = Stopwatch.GetTimestamp() - t0;
                    guard.Value.Hits = guard.Value.Hits + 1;
                    break;
                }
                case MutexMethod:
                    recipe!.Lock();
                    if (sample)
                        samples[sampled++] = Stopwatch.GetTimestamp() - t0;
                    recipe.Accessor.Write(0, recipe.Accessor.ReadInt64(0) + 1);
                    recipe.Unlock();
                    break;
                default:
                    CasSpinLock.Enter(ref raw->SpinWord);
                    if (sample)
                        samples[sampled++] = Stopwatch.GetTimestamp() - t0;
                    raw->Hits = raw->Hits + 1;
                    CasSpinLock.Exit(ref raw->SpinWord);
                    break;
            }
        }
        Array.Sort(samples, 0, sampled);
        double toNs = 1e9 / Stopwatch.Frequency;
        double p50 = samples[sampled / 2] * toNs;
        double p99 = samples[Math.Min(sampled - 1, sampled * 99 / 100)] * toNs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done {p50:F0} {p99:F0} {Interlocked.Read(ref Locking.SegmentCore.WakeCalls)} {Interlocked.Read(ref Locking.SegmentCore.FutileWakes)}"));
        return 0;
    }

    private static Process StartWorker(string method, string name, long count)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Fully optimised code from the first increment: a short run would otherwise measure tier-0 code.
        info.Environment["DOTNET_TieredCompilation"] = "0";
        // No debugger/diagnostics IPC: a killed worker would otherwise leave its pipes and socket behind in /tmp.
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.ArgumentList.Add(typeof(ContentionRun).Assembly.Location);
        info.ArgumentList.Add("contention-worker");
        info.ArgumentList.Add(method);
        info.ArgumentList.Add(name);
        info.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("could not start a worker");
    }

    private static void Expect(Process p, string expected)
    {
        string? line = ReadLineWithin(p, TimeSpan.FromSeconds(60));
        if (line != expected)
            throw new InvalidOperationException($"worker {p.Id} said '{line}' instead of '{expected}'");
    }

    private static string? ReadLineWithin(Process p, TimeSpan timeout)
    {
        var read = p.StandardOutput.ReadLineAsync();
        return read.Wait(timeout) ? read.Result : null;
    }
}
