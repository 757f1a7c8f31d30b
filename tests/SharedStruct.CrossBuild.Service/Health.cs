using SharedStruct;

namespace Service;

/// <summary>The service's health record, as the service's repository declares it.</summary>
[SharedSegment("e2e.health", LockTimeoutMilliseconds = 10000)]
public unsafe partial struct Health
{
    public int Status;
    public long Beats;
    public fixed char Note[16];
    public Load Load;
}

/// <summary>Load averages.</summary>
public struct Load
{
    public float One;
    public float Five;
}
