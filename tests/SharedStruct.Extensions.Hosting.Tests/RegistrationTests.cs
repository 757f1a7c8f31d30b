using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharedStruct.Diagnostics;
using SharedStruct.Scenarios;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Hosting.Tests;

/// <summary>
/// What a registration hands to the runtime (the name override, timeouts, sharing), when the container lets go of the
/// segment, a container without logging, and what a second registration of the same struct type does.
/// </summary>
[Collection(ProcessCollection.Name)]
public class RegistrationTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void The_name_option_opens_the_segment_under_that_name_instead_of_the_registered_one()
    {
        using var registered = new TestSegment();
        using var configured = new TestSegment();
        var services = new ServiceCollection();
        services.AddSharedSegment<TestPayload>(registered.Name, o => o.Name = configured.Name);
        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            var seg = provider.GetRequiredService<SharedSegment<TestPayload>>();
            Assert.Equal(configured.Name, seg.Name);
            Assert.Equal(configured.Path, seg.Location);
        }
        Assert.True(File.Exists(configured.Path));
        Assert.False(File.Exists(registered.Path));
    }

    [Fact]
    [SupportedOSPlatform("linux")] // the sharing shows as the segment file's mode
    public void Lock_timeout_and_sharing_reach_the_opened_segment()
    {
        using var t = new TestSegment();
        var services = new ServiceCollection();
        services.AddSharedSegment<TestPayload>(t.Name, o =>
        {
            o.Segment.LockTimeout = TimeSpan.FromMilliseconds(250);
            o.Segment.Sharing = SegmentSharing.Group;
        });
        using ServiceProvider provider = services.BuildServiceProvider();
        var seg = provider.GetRequiredService<SharedSegment<TestPayload>>();
        Assert.Equal(TimeSpan.FromMilliseconds(250), seg.DefaultLockTimeout); // the default is 1 s
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, // the default is owner-only
            File.GetUnixFileMode(t.Path));
    }

    [Fact]
    public void The_open_timeout_reaches_the_runtime_which_gives_up_on_a_creator_that_never_finishes_after_it()
    {
        using var t = new TestSegment();
        using var creator = ChildProcess.Start(["init-hang", t.Name]);
        creator.Expect("initialising");
        var services = new ServiceCollection();
        services.AddSharedSegment<TestPayload>(t.Name, o => o.Segment.OpenTimeout = TimeSpan.FromMilliseconds(50));
        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            var error = Assert.Throws<TimeoutException>(() => provider.GetRequiredService<SharedSegment<TestPayload>>());
            Assert.Contains("still being initialised by process", error.Message);
            Assert.Contains("after the open timeout (50 ms)", error.Message); // not the default 1000 ms
        }
        creator.KillHard();
    }

    [Fact]
    public async Task The_segment_is_disposed_with_the_host_and_not_before()
    {
        using var t = new TestSegment();
        using var dir = new TempDirectory();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSharedSegment<TestPayload>(t.Name);
        builder.Services.AddSharedSegment(o => Health.Open(o), s => s.Segment, o => o.Segment.Directory = dir.Path);
        SharedSegment<TestPayload> seg;
        HealthSegment health;
        using (IHost host = builder.Build())
        {
            await host.StartAsync();
            seg = host.Services.GetRequiredService<SharedSegment<TestPayload>>();
            health = host.Services.GetRequiredService<HealthSegment>();
            await host.StopAsync();
            using (var g = seg.Lock(Second)) // stopped, but the container still holds it
                g.Value.Value = 1;
            health.Beats = 1;
        }
        Assert.Throws<ObjectDisposedException>(() => { using var g = seg.Lock(Second); });
        Assert.Throws<ObjectDisposedException>(() => { health.Beats = 2; });
        Assert.True(File.Exists(t.Path)); // disposed, not deleted: DeleteOnShutdown is off
        Assert.True(SharedSegment.Delete("sst-hosting.health", new SharedSegmentOptions { Directory = dir.Path }));
    }

    [Fact]
    public void A_container_without_logging_or_a_meter_factory_survives_a_timeout_and_a_recovery_and_reports_on_the_process_wide_meter()
    {
        using var t = new TestSegment();
        var services = new ServiceCollection(); // no ILoggerFactory, no IMeterFactory
        services.AddSharedSegment<TestPayload>(t.Name);
        var events = new List<(string Instrument, object? Scope)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SharedStructMetrics.MeterName && instrument.Name is "sharedstruct.lock.timeouts" or "sharedstruct.lock.recoveries")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (tags.ToArray().Any(tag => tag.Value as string == t.Name))
            {
                lock (events)
                    events.Add((instrument.Name, instrument.Meter.Scope));
            }
        });
        listener.Start();

        SharedSegment<TestPayload> seg;
        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            Assert.Null(provider.GetService<ILoggerFactory>());
            seg = provider.GetRequiredService<SharedSegment<TestPayload>>();
            using (var holder = ChildProcess.Start(["hold", t.Name]))
            {
                holder.Expect("locked pid=");
                Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(30), out _));
                holder.KillHard();
            }
            using (var g = seg.Lock(TimeSpan.FromSeconds(10)))
                Assert.True(g.WasAbandoned);
        }
        Assert.Throws<ObjectDisposedException>(() => { using var g = seg.Lock(Second); });
        lock (events)
            Assert.Equal([("sharedstruct.lock.timeouts", (object?)null), ("sharedstruct.lock.recoveries", null)], events);
    }

    [Fact]
    public void Registering_a_struct_again_for_the_same_name_does_nothing()
    {
        using var t = new TestSegment();
        var services = new ServiceCollection();
        services.AddSharedSegment<TestPayload>(t.Name);
        int registrations = services.Count;
        services.AddSharedSegment<TestPayload>(t.Name, o => o.DeleteOnShutdown = true);
        services.AddSharedSegment<TestPayload>("sst-other", o => o.Name = t.Name); // the same name, by the override
        Assert.Equal(registrations, services.Count);

        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            Assert.Equal(t.Name, provider.GetRequiredService<SharedSegment<TestPayload>>().Name);
            Assert.Single(provider.GetServices<IHostedService>());
        }
        Assert.True(File.Exists(t.Path)); // the first registration's options stayed: no delete on shutdown
    }

    [Fact]
    public void Registering_a_struct_again_for_another_name_is_refused_with_what_to_do_instead()
    {
        var services = new ServiceCollection();
        services.AddSharedSegment<TestPayload>("sst-first");
        int registrations = services.Count;
        var error = Assert.Throws<InvalidOperationException>(() => services.AddSharedSegment<TestPayload>("sst-second"));
        Assert.StartsWith("SharedSegment<TestPayload> is already registered for segment 'sst-first'; a second registration for segment 'sst-second' would be dropped", error.Message);
        Assert.Contains("Give each segment its own struct type, or open the second one yourself with SharedSegment<TestPayload>.Open(name)", error.Message);
        Assert.Throws<InvalidOperationException>(() => services.AddSharedSegment<TestPayload>("sst-first", o => o.Name = "sst-second"));
        Assert.Equal(registrations, services.Count); // nothing half-registered

        services.AddSharedSegment<Health>("sst-second"); // another struct type is another registration
        Assert.True(services.Count > registrations);
    }
}
