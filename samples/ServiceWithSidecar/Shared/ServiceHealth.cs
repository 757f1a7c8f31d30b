using System.Runtime.CompilerServices;
using SharedStruct;

namespace SharedStruct.Samples.ServiceWithSidecar;

// Compiled into both the worker and the sidecar (linked source), so the two programs cannot disagree on the layout.

/// <summary>What the service is doing, as the sidecar sees it.</summary>
public enum ServiceState
{
    Starting = 0,
    Healthy = 1,
    Stopping = 2,
    Stopped = 3,
}

/// <summary>One worker's statistics, updated by that worker under the segment's lock after every item.</summary>
public struct WorkerStats
{
    /// <summary>Items handled, failed ones included.</summary>
    public long Processed;

    /// <summary>Items that failed.</summary>
    public long Failed;

    /// <summary>Time spent on items, in microseconds.</summary>
    public long BusyMicroseconds;

    /// <summary>When the last item finished (Unix time, ms).</summary>
    public long LastItemUnixMs;
}

/// <summary>Room for <see cref="ServiceHealth.MaxWorkers"/> workers' statistics, in the struct itself.</summary>
[InlineArray(ServiceHealth.MaxWorkers)]
public struct WorkerSlots
{
    private WorkerStats _first;
}

/// <summary>The service's health and per-worker statistics: the worker publishes them, any sidecar reads them.</summary>
[SharedSegment("sample.service.health")]
public partial struct ServiceHealth
{
    public const int MaxWorkers = 8;

    public ServiceState State;

    /// <summary>The service's process id, for display only (liveness comes from the segment's lock, never a pid).</summary>
    public int ServicePid;

    public int WorkerCount;

    public long StartedUnixMs;

    /// <summary>Refreshed a few times a second while the service runs.</summary>
    public long HeartbeatUnixMs;

    public WorkerSlots Workers;
}
