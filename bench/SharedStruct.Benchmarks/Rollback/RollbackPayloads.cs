namespace SharedStruct.Benchmarks.Rollback;

// One payload per size the crash-atomic benchmarks measure: the first field is the one written, the rest is what a
// backup must copy as well.

public unsafe struct Payload16
{
    public long Hits;
    public fixed byte Rest[8];
}

public unsafe struct Payload64
{
    public long Hits;
    public fixed byte Rest[56];
}

public unsafe struct Payload256
{
    public long Hits;
    public fixed byte Rest[248];
}

public unsafe struct Payload1K
{
    public long Hits;
    public fixed byte Rest[1016];
}

public unsafe struct Payload4K
{
    public long Hits;
    public fixed byte Rest[4088];
}

public unsafe struct Payload16K
{
    public long Hits;
    public fixed byte Rest[16376];
}

public unsafe struct Payload64K
{
    public long Hits;
    public fixed byte Rest[65528];
}
