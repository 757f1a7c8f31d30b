using SharedStruct;

namespace Sidecar.Monitoring;

/// <summary>
/// The sidecar's copy of the service's health record, declared in its own repository: another namespace, another name
/// for the nested type, the same fields.
/// </summary>
[SharedSegment("e2e.health", LockTimeoutMilliseconds = 10000)]
public unsafe partial struct Health
{
    public int Status;
    public long Beats;
    public fixed char Note[16];
    public Averages Load;
}

/// <summary>Load averages, under the sidecar's name.</summary>
public struct Averages
{
    public float One;
    public float Five;
}

/// <summary>
/// The sidecar's next version, not yet agreed with the service: Beats widened to a decimal, Note longer, Load gone,
/// Uptime added. Opening the service's segment with it must fail naming those fields.
/// </summary>
[SharedSegment("e2e.health", LockTimeoutMilliseconds = 10000)]
public unsafe partial struct HealthNext
{
    public int Status;
    public decimal Beats;
    public fixed char Note[24];
    public long Uptime;
}
