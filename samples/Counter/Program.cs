using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SharedStruct;
using SharedStruct.Samples.Counter;

// Counter: several worker processes of this program increment one shared counter under the SharedStruct lock,
// then do the same job with the classic named-Mutex recipe for comparison.
//   dotnet run --project samples/Counter -c Release -- [--workers N] [--count M] [--dir DIR] [--no-classic]

var arguments = new Arguments(args);
var options = new SharedSegmentOptions { Directory = arguments.Directory };
string directory = arguments.Directory ?? (OperatingSystem.IsLinux() ? "/dev/shm" : Path.GetTempPath());

if (arguments.WorkerMode is { } mode)
    return Worker.Run(mode, arguments.Count, options, directory);

int workers = arguments.Workers;
long perWorker = arguments.Count;
long expected = workers * perWorker;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($"Counter: {workers} worker processes x {perWorker:N0} locked increments of one shared counter ({Environment.ProcessorCount} cores here)");

SharedSegment.Delete(CounterStateSegment.SegmentName, options); // a leftover from an interrupted run
using var segment = CounterState.CreateNew(options);
try
{
    double ours = RunJob("SharedStruct lock", "sharedstruct", () => segment.ReadSnapshot().Count);
    double classic = double.NaN;
    if (!arguments.NoClassic)
    {
        using var recipe = new ClassicRecipe(directory, create: true);
        classic = RunJob("classic named-Mutex recipe", "classic", () => recipe.Count);
    }
    if (!double.IsNaN(classic))
        Console.WriteLine($"SharedStruct did the same job {ours / classic:F1}x faster than the classic recipe.");
}
finally
{
    segment.Delete();
}
return 0;

double RunJob(string title, string workerMode, Func<long> read)
{
    var processes = Enumerable.Range(0, workers).Select(_ => Worker.Start(workerMode, perWorker, arguments.Directory)).ToList();
    try
    {
        foreach (Process p in processes)
            Worker.Expect(p, "ready");
        var clock = Stopwatch.StartNew();
        foreach (Process p in processes)
            p.StandardInput.WriteLine("go");
        while (!processes.All(p => p.WaitForExit(200)))
            Console.WriteLine($"  {title}: {read():N0} of {expected:N0}");
        clock.Stop();
        foreach (Process p in processes.Where(p => p.ExitCode != 0))
            throw new InvalidOperationException($"worker {p.Id} failed: {p.StandardError.ReadToEnd()}");

        long final = read();
        double perSecond = expected / clock.Elapsed.TotalSeconds;
        string verdict = final == expected ? "exact" : $"WRONG, expected {expected:N0}";
        Console.WriteLine($"{title}: final count {final:N0} ({verdict}) in {clock.Elapsed.TotalSeconds:F2} s, {perSecond:N0} increments/s");
        return perSecond;
    }
    finally
    {
        foreach (Process p in processes)
        {
            if (!p.HasExited)
                p.Kill();
            p.Dispose();
        }
    }
}

internal static class Worker
{
    public static int Run(string mode, long count, SharedSegmentOptions options, string directory)
    {
        if (mode == "classic")
        {
            using var recipe = new ClassicRecipe(directory, create: false);
            Console.WriteLine("ready");
            Console.ReadLine();
            for (long i = 0; i < count; i++)
                recipe.Increment();
            return 0;
        }

        using var segment = CounterState.OpenExisting(options);
        Console.WriteLine("ready");
        Console.ReadLine();
        for (long i = 0; i < count; i++)
        {
            using var guard = segment.Lock();
            guard.Value.Count++;
        }
        segment.AddFinished(1);
        return 0;
    }

    public static Process Start(string mode, long count, string? directory)
    {
        // Start this same program again, whether it runs as an apphost or as "dotnet Counter.dll".
        string host = Environment.ProcessPath!;
        var info = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            info.ArgumentList.Add(typeof(Worker).Assembly.Location);
        foreach (string a in new[] { "--worker", mode, "--count", count.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        if (directory is not null)
        {
            info.ArgumentList.Add("--dir");
            info.ArgumentList.Add(directory);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start a worker");
    }

    public static void Expect(Process p, string line)
    {
        string? got = p.StandardOutput.ReadLine();
        if (got != line)
            throw new InvalidOperationException($"worker {p.Id} said '{got}': {p.StandardError.ReadToEnd()}");
    }
}

internal sealed class Arguments
{
    public Arguments(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--workers": Workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--count": Count = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": Directory = args[++i]; break;
                case "--no-classic": NoClassic = true; break;
                case "--worker": WorkerMode = args[++i]; break;
                default: throw new ArgumentException($"unknown argument {args[i]}; use [--workers N] [--count M] [--dir DIR] [--no-classic]");
            }
        }
        if (Workers < 1 || Count < 1)
            throw new ArgumentException("--workers and --count must be at least 1");
    }

    public int Workers { get; } = 4;
    public long Count { get; } = 250_000;
    public string? Directory { get; }
    public bool NoClassic { get; }
    public string? WorkerMode { get; }
}
