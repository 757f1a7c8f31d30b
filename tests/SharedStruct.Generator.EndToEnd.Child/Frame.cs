using SharedStruct;

namespace SharedStruct.EndToEnd;

/// <summary>A payload far over the by-value limit: 8 MiB of pixels, read only by reference.</summary>
[SharedSegment("e2e.frame", LockTimeoutMilliseconds = 10000)]
public unsafe partial struct Frame
{
    public const int PixelCount = 8 * 1024 * 1024;

    public long Sequence;
    public fixed byte Pixels[PixelCount];
}
