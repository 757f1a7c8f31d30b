using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using BenchmarkDotNet.Attributes;
using SharedStruct.Format;

namespace SharedStruct.Benchmarks.Watching;

/// <summary>
/// What a writer pays for change notification: uncontended Lock + write + Dispose and the generated AddX, with 0, 1 and
/// 4 watcher processes blocked in WaitForChange on the same segments. Program runs it as several BenchmarkDotNet jobs,
/// one per build of the runtime (as shipped, and without one feature), so the 0-watcher rows compare in the same run.
/// </summary>
public unsafe class WriterCostBenchmarks
{
    public const string LockCategory = "lock+write+release";
    public const string AddCategory = "atomic add";

    private readonly string _name = "bench-watched-" + Environment.ProcessId;
    private SharedSegment<BenchPayload> _segment = null!;
    private GeneratedPayloadSegment _generated = null!;
    private readonly List<BenchChild> _watchers = new();

    [Params(0, 1, 4)]
    public int Watchers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _segment = SharedSegment<BenchPayload>.Open(_name);
        _generated = GeneratedPayload.Open();
        if (Watchers == 0)
            return;
        try
        {
            StartWatchers();
        }
        catch
        {
            // BenchmarkDotNet skips GlobalCleanup when GlobalSetup throws: leave no child or segment behind.
            Cleanup();
            throw;
        }
    }

    private void StartWatchers()
    {
        _watchers.AddRange(BenchChild.StartMany(Watchers, "watch-worker", _name));
        foreach (BenchChild w in _watchers)
            w.Expect("ready", TimeSpan.FromSeconds(60));
        // Measure only once every watcher is registered and asleep on both segments.
        SegmentHeader* locked = HeaderOf(ref _segment.GetUnsynchronizedReference());
        SegmentHeader* added = HeaderOf(ref _generated.Segment.GetUnsynchronizedReference());
        var sw = Stopwatch.StartNew();
        while (Volatile.Read(ref locked->ChangeSleepers) < Watchers || Volatile.Read(ref added->ChangeSleepers) < Watchers)
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException($"the {Watchers} watchers did not all go to sleep");
            Thread.Sleep(10);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        BenchChild.DisposeAll(_watchers);
        _segment?.Delete();
        _segment?.Dispose();
        _generated?.Delete();
        _generated?.Dispose();
    }

    [Benchmark, BenchmarkCategory(LockCategory)]
    public void LockWriteDispose()
    {
        using var guard = _segment.Lock(TimeSpan.FromSeconds(1));
        guard.Value.Hits++;
    }

    [Benchmark, BenchmarkCategory(AddCategory)]
    public long GeneratedAdd() => _generated.AddHits(1);

    private static SegmentHeader* HeaderOf<T>(ref T payload) =>
        (SegmentHeader*)((byte*)Unsafe.AsPointer(ref payload) - SegmentHeader.PayloadOffsetValue);

    /// <summary>The watcher side: <c>watch-worker NAME</c>; one thread per segment, each waiting for the next change in a loop.</summary>
    public static int Watcher(string name)
    {
        using var segment = SharedSegment<BenchPayload>.Open(name, new SharedSegmentOptions { Mode = SegmentOpenMode.OpenExisting });
        using var generated = GeneratedPayload.OpenExisting();
        Start("watch-lock", () => segment.WaitForChange(segment.Version, TimeSpan.FromMinutes(10)));
        Start("watch-add", () => generated.WaitForChange(generated.Version, TimeSpan.FromMinutes(10)));
        Console.WriteLine("ready");
        while (Console.In.ReadLine() is not null)
        {
        }
        return 0;

        static void Start(string name, Func<bool> wait) =>
            new Thread(() =>
            {
                while (true)
                    wait();
            }) { IsBackground = true, Name = name }.Start();
    }
}
