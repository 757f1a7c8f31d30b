using System;

namespace SharedStruct.Benchmarks;

/// <summary>
/// The generated-API side of the benchmarks. Until the source generator is wired into this project it is written
/// the way the generator emits it: a guarded property is Lock + field access + Dispose; AddX is Interlocked.Add.
/// </summary>
internal sealed class GeneratedBench
{
    private readonly SharedSegment<BenchPayload> _segment;

    private GeneratedBench(SharedSegment<BenchPayload> segment) => _segment = segment;

    public static GeneratedBench Open(string name) => new(SharedSegment<BenchPayload>.Open(name));

    public long Get()
    {
        using var guard = _segment.Lock();
        return guard.Value.Hits;
    }

    public void Set(long value)
    {
        using var guard = _segment.Lock();
        guard.Value.Other = value;
    }

    public long Add(long value) => System.Threading.Interlocked.Add(ref _segment.GetUnsynchronizedReference().Hits, value);

    public void DeleteAndDispose()
    {
        _segment.Delete();
        _segment.Dispose();
    }
}
