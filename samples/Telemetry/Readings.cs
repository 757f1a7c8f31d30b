using SharedStruct;

namespace SharedStruct.Samples.Telemetry;

/// <summary>What the publisher writes many times a second and readers display.</summary>
[SharedSegment("sample.telemetry")]
public partial struct Readings
{
    public long Sequence;
    public long PublishedUnixMs;
    public double CpuSeconds;
    public double WorkingSetMb;
    public long Gen0Collections;
    public int PublisherPid;
}
