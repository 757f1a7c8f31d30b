namespace SharedStruct.Benchmarks;

/// <summary>The payload the runtime-level benchmarks share. Baselines use the same kind of memory (a /dev/shm mapping).</summary>
public unsafe struct BenchPayload
{
    public long Hits;
    public long SpinWord;
    public long Other;
    public fixed byte Mutex[64]; // room for a robust pthread mutex (needs 8-byte alignment)
}

/// <summary>The payload of the generated-API benchmarks: what a user writes.</summary>
[SharedSegment("bench.generated")]
public partial struct GeneratedPayload
{
    public long Hits;
    public long Other;
}
