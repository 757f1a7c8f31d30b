using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharedStruct.Extensions.Hosting;
using SharedStruct.Scenarios;
using SharedStruct.Tests;
using Xunit;

namespace SharedStruct.Hosting.Tests;

/// <summary>
/// Delete-on-shutdown never pulls a segment out from under another process that still has it open, unless forced. The
/// other process is a real child (a read-only reader, which counts as much as a writer); its attachment is the kernel's
/// marker, so a reader killed with kill -9 no longer keeps the segment.
/// </summary>
[Collection(ProcessCollection.Name)]
public class DeleteOnShutdownTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Delete_on_shutdown_keeps_a_segment_another_process_has_open_and_logs_a_warning()
    {
        using var t = new TestSegment();
        var logs = new LogCollector();
        using (var reader = await RunHostWhileReaderAttached(t, logs, o => o.DeleteOnShutdown = true, killReader: false))
        {
            Assert.True(File.Exists(t.Path)); // kept: the reader still uses it
            var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
            Assert.Equal("SharedStruct.Segment", warning.Category);
            Assert.Contains($"Kept shared segment '{t.Name}' ({t.Path}) at shutdown instead of deleting it: another process still has it open", warning.Message);
            Assert.DoesNotContain(logs.Entries, e => e.Message.StartsWith("Deleted", StringComparison.Ordinal));

            // The reader is still on the segment everyone else finds by the name.
            reader.Send("");
            Assert.Equal("value=42", reader.ReadLine());
            Assert.Equal(0, reader.WaitForExit());
        }
        using (var again = SharedSegment<TestPayload>.Open(t.Name, t.Options))
        {
            Assert.False(again.IsCreator);
            Assert.Equal(42, again.ReadSnapshot(Second).Value);
        }
        Assert.True(SharedSegment.Delete(t.Name, t.Options)); // nobody uses it any more: an ordinary delete works
    }

    [Fact]
    public async Task Delete_on_shutdown_deletes_a_segment_whose_other_user_was_killed()
    {
        // The twin of the test above with the one difference that matters: the reader is gone (kill -9), so the
        // kernel has dropped its marker and nothing keeps the segment.
        using var t = new TestSegment();
        var logs = new LogCollector();
        using (await RunHostWhileReaderAttached(t, logs, o => o.DeleteOnShutdown = true, killReader: true))
        {
            Assert.False(File.Exists(t.Path));
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message == $"Deleted shared segment '{t.Name}' at shutdown");
            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
        }
    }

    [Fact]
    public async Task Force_delete_on_shutdown_deletes_under_an_attached_process_which_keeps_the_old_segment()
    {
        using var t = new TestSegment();
        var logs = new LogCollector();
        using (var reader = await RunHostWhileReaderAttached(t, logs, o => o.ForceDeleteOnShutdown = true, killReader: false))
        {
            Assert.False(File.Exists(t.Path));
            var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
            Assert.Contains($"Deleted shared segment '{t.Name}' at shutdown while other processes still had it open (ForceDeleteOnShutdown)", warning.Message);

            // The name now leads to a fresh segment; the reader still sees the old one's value.
            using (var fresh = SharedSegment<TestPayload>.Open(t.Name, t.Options))
            {
                Assert.True(fresh.IsCreator);
                Assert.Equal(0, fresh.ReadSnapshot(Second).Value);
            }
            reader.Send("");
            Assert.Equal("value=42", reader.ReadLine());
            Assert.Equal(0, reader.WaitForExit());
        }
        Assert.True(SharedSegment.Delete(t.Name, t.Options));
    }

    [Fact]
    public async Task Without_delete_on_shutdown_the_segment_stays_and_nothing_is_logged_about_deleting()
    {
        using var t = new TestSegment();
        var logs = new LogCollector();
        using (var reader = await RunHostWhileReaderAttached(t, logs, _ => { }, killReader: true))
        {
            Assert.True(File.Exists(t.Path));
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("at shutdown", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Without_a_host_disposing_the_container_deletes_the_segment_unless_another_process_has_it_open()
    {
        // No host, so no StoppedAsync: the container disposes the segment service first and the registration then
        // deletes through a fresh view.
        using var t = new TestSegment();
        var logs = new LogCollector();
        ServiceProvider Build()
        {
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(logs));
            services.AddSharedSegment<TestPayload>(t.Name, o => o.DeleteOnShutdown = true);
            return services.BuildServiceProvider();
        }

        using (var reader = OpenWithReader(Build(), t, out ServiceProvider first))
        {
            first.Dispose();
            Assert.True(File.Exists(t.Path));
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith($"Kept shared segment '{t.Name}'", StringComparison.Ordinal));
            reader.Send("");
            Assert.Equal("value=42", reader.ReadLine());
            Assert.Equal(0, reader.WaitForExit());
        }

        using (ServiceProvider second = Build())
            Assert.Equal(42, second.GetRequiredService<SharedSegment<TestPayload>>().ReadSnapshot(Second).Value);
        Assert.False(File.Exists(t.Path)); // the reader has gone: deleted
        Assert.Contains(logs.Entries, e => e.Message == $"Deleted shared segment '{t.Name}' at shutdown");
    }

    private static ChildProcess OpenWithReader(ServiceProvider provider, TestSegment t, out ServiceProvider opened)
    {
        opened = provider;
        var seg = provider.GetRequiredService<SharedSegment<TestPayload>>();
        using (var g = seg.Lock(Second))
            g.Value.Value = 42;
        var reader = ChildProcess.Start(["reader", t.Name]);
        try
        {
            Assert.Equal("attached value=42", reader.ReadLine());
            return reader;
        }
        catch
        {
            reader.Dispose();
            provider.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a host that registers the test segment with <paramref name="configure"/> and writes 42 into it, while a
    /// real child reader attaches; stops and disposes the host with the reader still attached (or after killing it).
    /// Returns the reader, for the test to finish and dispose.
    /// </summary>
    private static async Task<ChildProcess> RunHostWhileReaderAttached(TestSegment t, LogCollector logs, Action<SharedSegmentServiceOptions> configure, bool killReader)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSharedSegment<TestPayload>(t.Name, configure);
        ChildProcess? reader = null;
        try
        {
            using (IHost host = builder.Build())
            {
                await host.StartAsync();
                var seg = host.Services.GetRequiredService<SharedSegment<TestPayload>>();
                using (var g = seg.Lock(Second))
                    g.Value.Value = 42;
                reader = ChildProcess.Start(["reader", t.Name]);
                Assert.Equal("attached value=42", reader.ReadLine());
                if (killReader)
                    reader.KillHard();
                await host.StopAsync();
            }
            Assert.Contains(logs.Entries, e => e.Message.StartsWith($"Opened shared segment '{t.Name}' (created it)", StringComparison.Ordinal));
            return reader;
        }
        catch
        {
            reader?.Dispose();
            throw;
        }
    }
}
