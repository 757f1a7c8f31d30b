using System;
using System.Globalization;
using System.IO;
using System.Threading;
using SharedStruct;
using SharedStruct.Samples.ServiceWithSidecar;

// The sidecar of the pair: opens the service's health segment read-only (it can never disturb the service and takes
// no lock) and watches it with change notification: it sleeps until the service writes, never polls.
//   [--until-processed N] (exit once every worker has handled N items)   [--dir DIR]
// Without --until-processed it runs until the service reports Stopped, or Ctrl+C.

string? directory = null;
long untilProcessed = long.MaxValue;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--dir": directory = args[++i]; break;
        case "--until-processed": untilProcessed = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: ServiceWithSidecar.Sidecar [--until-processed N] [--dir DIR]");
            return 2;
    }
}
var options = new SharedSegmentOptions { Directory = directory };
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using ServiceHealthReadOnlySegment health = await OpenWhenItExists(options, TimeSpan.FromSeconds(30), stop.Token);
Console.WriteLine($"watching '{health.Name}' at {health.Location}");

ServiceState? shownState = null;
long changes = 0;
long lastShownMs = 0;
ServiceHealth latest = default;
try
{
    // The current value first, then each new one; changes the sidecar cannot keep up with are coalesced into the latest.
    await foreach (ServiceHealth h in health.WatchAsync(stop.Token))
    {
        changes++;
        latest = h;
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (h.State != shownState)
        {
            Console.WriteLine($"service {h.ServicePid}: {h.State}, {h.WorkerCount} workers");
            shownState = h.State;
        }
        bool done = h.State == ServiceState.Stopped || (h.WorkerCount > 0 && EveryWorkerReached(h, untilProcessed));
        if (done || now - lastShownMs >= 1000)
        {
            Show(h, now);
            lastShownMs = now;
        }
        if (done)
            break;
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"sidecar done: {changes} changes seen, {Total(latest)} items processed, {TotalFailed(latest)} failed"));
return 0;

static bool EveryWorkerReached(in ServiceHealth h, long count)
{
    for (int i = 0; i < h.WorkerCount; i++)
    {
        if (h.Workers[i].Processed < count)
            return false;
    }
    return true;
}

static long Total(in ServiceHealth h)
{
    long total = 0;
    for (int i = 0; i < h.WorkerCount; i++)
        total += h.Workers[i].Processed;
    return total;
}

static long TotalFailed(in ServiceHealth h)
{
    long total = 0;
    for (int i = 0; i < h.WorkerCount; i++)
        total += h.Workers[i].Failed;
    return total;
}

static void Show(in ServiceHealth h, long nowUnixMs)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"service {h.ServicePid}: {h.State}, up {(nowUnixMs - h.StartedUnixMs) / 1000.0:F1} s, heartbeat {nowUnixMs - h.HeartbeatUnixMs} ms ago"));
    for (int i = 0; i < h.WorkerCount; i++)
    {
        WorkerStats w = h.Workers[i];
        double meanMs = w.Processed == 0 ? 0 : w.BusyMicroseconds / 1000.0 / w.Processed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  worker {i}: processed {w.Processed}, failed {w.Failed}, mean {meanMs:F1} ms per item"));
    }
}

// The service may start after the sidecar: wait for its segment to appear.
static async System.Threading.Tasks.Task<ServiceHealthReadOnlySegment> OpenWhenItExists(SharedSegmentOptions options, TimeSpan limit, CancellationToken cancellationToken)
{
    DateTime deadline = DateTime.UtcNow + limit;
    while (true)
    {
        try
        {
            return ServiceHealth.OpenReadOnly(options);
        }
        catch (FileNotFoundException) when (DateTime.UtcNow < deadline)
        {
            await System.Threading.Tasks.Task.Delay(100, cancellationToken);
        }
    }
}
