namespace SharedStruct.Tool.Tests.Infrastructure;

public struct Vec2
{
    public float X;
    public float Y;
}

/// <summary>
/// A payload with one field of most kinds the description has, and its description written by hand in the canonical
/// format (a test checks the offsets against the real layout), as the generator would store it.
/// </summary>
public unsafe struct Probe
{
    public long Hits;
    public int Flags;
    public fixed char Note[16];
    public Vec2 Pos;
    public bool On;
    public fixed byte Raw[3];
    public decimal Money;
    public fixed short Samples[3];
    public double Ratio;

    public const string Description =
        "sharedstruct-layout 1\n" +
        "struct ToolTests.Probe size=88 kind=Sequential pack=0\n" +
        "field Hits int64 offset=0 size=8\n" +
        "field Flags int32 offset=8 size=4\n" +
        "field Note char[16] offset=12 size=32\n" +
        "field Pos.X float32 offset=44 size=4\n" +
        "field Pos.Y float32 offset=48 size=4\n" +
        "field On bool offset=52 size=1\n" +
        "field Raw uint8[3] offset=53 size=3\n" +
        "field Money decimal offset=56 size=16\n" +
        "field Samples int16[3] offset=72 size=6\n" +
        "field Ratio float64 offset=80 size=8";

    public static SegmentLayout Layout => new(SegmentLayout.ComputeFingerprint(Description), Description);

    public static SharedSegment<Probe> Open(string name, SharedSegmentOptions? options = null) =>
        SharedSegment<Probe>.Open(name, options, Layout);

    /// <summary>Known values in every field.</summary>
    public static void Fill(ref Probe p)
    {
        p.Hits = 1234567890123;
        p.Flags = -7;
        SetNote(ref p, "hello, world");
        p.Pos = new Vec2 { X = 1.5f, Y = -0.25f };
        p.On = true;
        p.Raw[0] = 0x0a;
        p.Raw[1] = 0xbc;
        p.Raw[2] = 0xff;
        p.Money = 12.34m;
        p.Samples[0] = 1;
        p.Samples[1] = -2;
        p.Samples[2] = 300;
        p.Ratio = 0.1;
    }

    public static void SetSample(ref Probe p, int index, short value) => p.Samples[index] = value;

    public static void SetNote(ref Probe p, string text)
    {
        for (int i = 0; i < 16; i++)
            p.Note[i] = i < text.Length ? text[i] : '\0';
    }
}
