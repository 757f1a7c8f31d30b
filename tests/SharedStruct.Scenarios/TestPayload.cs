namespace SharedStruct.Scenarios;

/// <summary>The payload every scenario shares. Value/Shadow make a non-atomic update that a broken lock would tear.</summary>
public unsafe struct TestPayload
{
    public long Value;
    public long Shadow;
    public long InitToken;
    public long Writes;
    public fixed byte Text[64];
}

/// <summary>Two fields a crash-atomic critical section moves together: A != B anywhere outside a section is a tear.</summary>
public struct PairPayload
{
    public long A;
    public long B;
    public long Sections;
}

/// <summary>A pair 4 MiB apart: publishing it takes long enough that a kill lands inside the publish.</summary>
public unsafe struct BigPairPayload
{
    public const int PadBytes = 4 << 20;
    public long A;
    public fixed byte Pad[PadBytes];
    public long B;
}
