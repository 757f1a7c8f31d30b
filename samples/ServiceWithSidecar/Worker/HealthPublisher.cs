using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SharedStruct.Samples.ServiceWithSidecar;

/// <summary>Publishes the service's state and a heartbeat: Healthy while it runs, Stopping and Stopped as it shuts down.</summary>
public sealed partial class HealthPublisher(ServiceHealthSegment health, WorkerSettings settings, IHostApplicationLifetime lifetime, ILogger<HealthPublisher> logger)
    : BackgroundService
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lifetime.ApplicationStopping.Register(() => Publish(ServiceState.Stopping));
        health.Update(static (ref ServiceHealth h, WorkerSettings s) =>
        {
            h = default; // a fresh start, even over a segment an earlier run left behind
            h.State = ServiceState.Healthy;
            h.ServicePid = Environment.ProcessId;
            h.WorkerCount = s.Workers;
            h.StartedUnixMs = h.HeartbeatUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }, settings);
        LogPublishing(logger, health.Name, settings.Workers);

        using var timer = new PeriodicTimer(HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                health.Update(static (ref ServiceHealth h) => h.HeartbeatUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Publish(ServiceState.Stopped); // the workers have stopped already: their statistics are final
        LogStopped(logger, health.Name);
    }

    private void Publish(ServiceState state) =>
        health.Update(static (ref ServiceHealth h, ServiceState s) => h.State = s, state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing health of {Workers} workers to shared segment '{Segment}'")]
    private static partial void LogPublishing(ILogger logger, string segment, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published Stopped to shared segment '{Segment}'")]
    private static partial void LogStopped(ILogger logger, string segment);
}
