using SharedStruct;

namespace SharedStruct.EndToEnd;

/// <summary>The payload the end-to-end tests share between real processes.</summary>
[SharedSegment("e2e.counter", LockTimeoutMilliseconds = 10000)]
public unsafe partial struct Counter
{
    public long Hits;
    public long Atomic;
    public int Ready;
    public uint Flags;
    public fixed char Note[32];
    public fixed byte Data[16];
    public Point Position;
    public Mode State;
}

/// <summary>A nested struct exposed as a value.</summary>
public struct Point
{
    public float X;
    public float Y;
}

/// <summary>An enum field.</summary>
public enum Mode : short
{
    Idle = 0,
    Busy = 7,
}
