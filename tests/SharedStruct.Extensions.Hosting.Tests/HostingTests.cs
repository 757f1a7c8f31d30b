using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharedStruct.Diagnostics;
using SharedStruct.Extensions.Hosting;
using SharedStruct.Scenarios;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Hosting.Tests;

/// <summary>A generated segment for the generated overload; each test puts it in its own directory.</summary>
[SharedSegment("sst-hosting.health")]
public partial struct Health
{
    public long Beats;
    public int Workers;
}

/// <summary>The hosting package in a real Generic Host: lifetime, deletion, logging, and the container's meter factory.</summary>
[Collection(ProcessCollection.Name)]
public class HostingTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_segment_registered_by_name_opens_at_startup_is_shared_with_another_process_and_is_deleted_at_shutdown()
    {
        using var t = new TestSegment();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSharedSegment<TestPayload>(t.Name, o => o.DeleteOnShutdown = true);
        using (IHost host = builder.Build())
        {
            Assert.False(File.Exists(t.Path));
            await host.StartAsync();
            Assert.True(File.Exists(t.Path)); // opened while the host started, before anyone asked for it
            var seg = host.Services.GetRequiredService<SharedSegment<TestPayload>>();
            Assert.Same(seg, host.Services.GetRequiredService<SharedSegment<TestPayload>>());
            using (var g = seg.Lock(Second))
                g.Value.Value = 42;
            using (var reader = ChildProcess.Start(["read", t.Name]))
                Assert.Equal("value=42", reader.ReadLine());
            await host.StopAsync();
        }
        Assert.False(File.Exists(t.Path)); // deleted at shutdown
    }

    [Fact]
    public async Task A_generated_segment_is_registered_with_its_options_and_outlives_the_host_unless_asked()
    {
        using var dir = new TempDirectory();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSharedSegment(o => Health.Open(o), s => s.Segment, o => o.Segment.Directory = dir.Path);
        string path;
        using (IHost host = builder.Build())
        {
            await host.StartAsync();
            var health = host.Services.GetRequiredService<HealthSegment>();
            health.Beats = 7;
            path = health.Location;
            Assert.StartsWith(dir.Path, path);
            await host.StopAsync();
        }
        Assert.True(File.Exists(path)); // not deleted: DeleteOnShutdown is off by default
        using (var again = Health.Open(new SharedSegmentOptions { Directory = dir.Path }))
        {
            Assert.False(again.IsCreator);
            Assert.Equal(7, again.Beats);
        }
        Assert.True(SharedSegment.Delete("sst-hosting.health", new SharedSegmentOptions { Directory = dir.Path }));
    }

    [Fact]
    public void A_generated_segment_cannot_be_renamed_and_an_invalid_name_is_refused_at_registration()
    {
        var services = new ServiceCollection();
        var renamed = Assert.Throws<ArgumentException>(() => services.AddSharedSegment(o => Health.Open(o), s => s.Segment, o => o.Name = "other"));
        Assert.Contains("AddSharedSegment<Health>(name)", renamed.Message);
        var invalid = Assert.Throws<ArgumentException>(() => services.AddSharedSegment<TestPayload>("Bad Name"));
        Assert.Contains("upper-case", invalid.Message);
    }

    [Fact]
    public async Task Recoveries_and_timeouts_are_logged_and_metrics_go_to_the_containers_meter_factory()
    {
        using var t = new TestSegment();
        var logs = new LogCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSharedSegment<TestPayload>(t.Name, o => o.DeleteOnShutdown = true);
        using IHost host = builder.Build();
        await host.StartAsync();
        var seg = host.Services.GetRequiredService<SharedSegment<TestPayload>>();
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains($"Opened shared segment '{t.Name}' (created it)"));

        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked pid=");
            Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(30), out _));
            holder.KillHard();
        }
        using (var g = seg.Lock(TimeSpan.FromSeconds(10)))
            Assert.True(g.WasAbandoned);

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"lock of shared segment '{t.Name}' timed out"));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"holder of shared segment '{t.Name}' died holding its lock"));

        // The segment reports on the meter of the container's IMeterFactory, not the process-wide one.
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var seen = new List<(object? Scope, long Value)>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SharedStructMetrics.MeterName && instrument.Name == "sharedstruct.segment.lock.acquisitions")
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (tags.ToArray().Any(tag => tag.Value as string == t.Name))
                    seen.Add((instrument.Meter.Scope, value));
            });
            listener.Start();
            listener.RecordObservableInstruments();
        }
        var measurement = Assert.Single(seen);
        Assert.Same(factory, measurement.Scope);
        Assert.Equal(2L, measurement.Value); // the killed holder's acquisition and the recovery

        await host.StopAsync();
    }
}
