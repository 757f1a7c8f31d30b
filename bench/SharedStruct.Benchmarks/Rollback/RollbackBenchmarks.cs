using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace SharedStruct.Benchmarks.Rollback;

/// <summary>
/// Uncontended Lock + write one field + Dispose, default mode against crash-atomic mode (RollbackOnCrash), one
/// category per payload size with the default mode as its baseline: the ratio is what the mode costs at that size
/// (an acquire copies the whole payload into its backup). Every segment is open for the whole run, so both modes run
/// in the same process on the same kind of memory.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RollbackBenchmarks
{
    /// <summary>The payload sizes, in bytes, by the category name each has.</summary>
    public static readonly IReadOnlyDictionary<string, int> Sizes = new Dictionary<string, int>
    {
        ["16 B"] = 16, ["64 B"] = 64, ["256 B"] = 256, ["1 KiB"] = 1024, ["4 KiB"] = 4096, ["16 KiB"] = 16384, ["64 KiB"] = 65536,
    };

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly string _prefix = "bench-rb-" + Environment.ProcessId + "-";
    private readonly List<IDisposable> _open = new();
    private readonly List<Action> _delete = new();

    private SharedSegment<Payload16> _d16 = null!, _r16 = null!;
    private SharedSegment<Payload64> _d64 = null!, _r64 = null!;
    private SharedSegment<Payload256> _d256 = null!, _r256 = null!;
    private SharedSegment<Payload1K> _d1K = null!, _r1K = null!;
    private SharedSegment<Payload4K> _d4K = null!, _r4K = null!;
    private SharedSegment<Payload16K> _d16K = null!, _r16K = null!;
    private SharedSegment<Payload64K> _d64K = null!, _r64K = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_d16, _r16) = Pair<Payload16>("16");
        (_d64, _r64) = Pair<Payload64>("64");
        (_d256, _r256) = Pair<Payload256>("256");
        (_d1K, _r1K) = Pair<Payload1K>("1k");
        (_d4K, _r4K) = Pair<Payload4K>("4k");
        (_d16K, _r16K) = Pair<Payload16K>("16k");
        (_d64K, _r64K) = Pair<Payload64K>("64k");
    }

    private (SharedSegment<T> Default, SharedSegment<T> Rollback) Pair<T>(string size) where T : unmanaged
    {
        var d = SharedSegment<T>.Open(_prefix + size + "-default");
        var r = SharedSegment<T>.Open(_prefix + size + "-rollback", new SharedSegmentOptions { RollbackOnCrash = true });
        if (d.RollbackOnCrash || !r.RollbackOnCrash)
            throw new InvalidOperationException("the segments did not open in the modes asked for");
        foreach (var s in new[] { d, r })
        {
            _open.Add(s);
            _delete.Add(() => s.Delete());
        }
        return (d, r);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (Action delete in _delete)
            delete();
        foreach (IDisposable s in _open)
            s.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("16 B")]
    public void Default16() { using var g = _d16.Lock(Timeout); g.Value.Hits++; }

    [Benchmark, BenchmarkCategory("16 B")]
    public void Rollback16() { using var g = _r16.Lock(Timeout); g.Value.Hits++; }

    [Benchmark(Baseline = true), BenchmarkCategory("64 B")]
    public void Default64() { using var g = _d64.Lock(Timeout); g.Value.Hits++; }

    [Benchmark, BenchmarkCategory("64 B")]
    public void Rollback64() { using var g = _r64.Lock(Timeout); g.Value.Hits++; }

    [Benchmark(Baseline = true), BenchmarkCategory("256 B")]
    public void Default256() { using var g = _d256.Lock(Timeout); g.Value.Hits++; }

    [Benchmark, BenchmarkCategory("256 B")]
    public void Rollback256() { using var g = _r256.Lock(Timeout); g.Value.Hits++; }

    [Benchmark(Baseline = true), BenchmarkCategory("1 KiB")]
    public void Default1K() { using var g = _d1K.Lock(Timeout); g.Value.Hits++; }

    [Benchmark, BenchmarkCategory("1 KiB")]
    public void Rollback1K() { using var g = _r1K.Lock(Timeout); g.Value.Hits++; }

    [Benchmark(Baseline = true), BenchmarkCategory("4 KiB")]
    public void Default4K() { using var g = _d4K.Lock(Timeout); g.Value.Hits++; }

    [Benchmark, BenchmarkCategory("4 KiB")]
    public void Rollback4K() { using var g = _r4K.Lock(Timeout); g.Value.Hits++; }

    [Benchmark(Baseline = true), BenchmarkCategory("16 KiB")]
    public void Default16K() { using var g = _d16K.Lock(Timeout); g.Value.Hits++; }

    [Benchmark, BenchmarkCategory("16 KiB")]
    public void Rollback16K() { using var g = _r16K.Lock(Timeout); g.Value.Hits++; }

    [Benchmark(Baseline = true), BenchmarkCategory("64 KiB")]
    public void Default64K() { using var g = _d64K.Lock(Timeout); g.Value.Hits++; }

    [Benchmark, BenchmarkCategory("64 KiB")]
    public void Rollback64K() { using var g = _r64K.Lock(Timeout); g.Value.Hits++; }
}
