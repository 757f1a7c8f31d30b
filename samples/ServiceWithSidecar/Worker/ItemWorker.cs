using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace SharedStruct.Samples.ServiceWithSidecar;

/// <summary>
/// One worker: handles items (here, a delay standing in for real work; every <see cref="WorkerSettings.FailEvery"/>-th
/// item fails) and records each in its own slot of the health segment, under one lock per item.
/// </summary>
public sealed class ItemWorker(int index, ServiceHealthSegment health, WorkerSettings settings) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (long item = 1; !stoppingToken.IsCancellationRequested; item++)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                await Task.Delay(settings.ItemTime, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return; // an unfinished item is not counted
            }
            var done = new ItemDone(
                index,
                Failed: settings.FailEvery > 0 && item % settings.FailEvery == 0,
                BusyMicroseconds: (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds,
                FinishedUnixMs: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            // All of an item's numbers change under one lock, so a reader never sees Processed without its Failed.
            health.Update(static (ref ServiceHealth h, ItemDone d) =>
            {
                ref WorkerStats w = ref h.Workers[d.Worker];
                w.Processed++;
                if (d.Failed)
                    w.Failed++;
                w.BusyMicroseconds += d.BusyMicroseconds;
                w.LastItemUnixMs = d.FinishedUnixMs;
            }, done);
        }
    }

    private readonly record struct ItemDone(int Worker, bool Failed, long BusyMicroseconds, long FinishedUnixMs);
}
