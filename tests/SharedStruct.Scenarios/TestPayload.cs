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
