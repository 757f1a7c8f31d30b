using System;
using System.IO;
using System.Linq;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// The hosting package as a service author meets it: a fresh project that references only
/// SharedStruct.Extensions.Hosting (which must bring SharedStruct, its generator included) and the Generic Host,
/// registers a generated segment with AddSharedSegment and runs as two real host processes. The same project builds
/// README's hosting block as written and runs its registrations (<see cref="ReadmeCSharp.HostingRegistrations"/>).
/// </summary>
public sealed class HostingPackageTests(PackedPackages packed)
{
    private static readonly string ReadmePath = Path.Combine(PackedPackages.RepoRoot, "README.md");
    private static readonly string Readme = File.ReadAllText(ReadmePath);

    [Fact]
    public void A_generic_host_referencing_only_the_hosting_package_registers_a_generated_segment_shares_it_across_two_runs_and_deletes_it_on_shutdown()
    {
        string app = packed.CreateConsumer("HostedConsumer", """
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using SharedStruct;

            if (args[0] == "readme")
            {
                foreach (string registration in ReadmeHosting.Registrations())
                    Console.WriteLine(registration);
                return;
            }

            // README's first registration, with the directory and the deletion under the test's control.
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddSharedSegment(o => Health.Open(o), s => s.Segment, o =>
            {
                o.Segment.Directory = args[0];
                o.DeleteOnShutdown = args[1] == "last";
            });
            builder.Services.AddHostedService<Heartbeat>();
            using IHost host = builder.Build();
            await host.RunAsync();

            [SharedSegment("hosted.health")]
            public unsafe partial struct Health
            {
                public long Beats;
                public fixed char Status[16];
            }

            public sealed class Heartbeat(HealthSegment health, IHostApplicationLifetime lifetime) : BackgroundService
            {
                protected override Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    health.AddBeats(1);
                    Console.WriteLine($"beats={health.Beats} status={health.Status} creator={health.IsCreator}");
                    health.Status = "up";
                    lifetime.StopApplication();
                    return Task.CompletedTask;
                }
            }
            """, ("SharedStruct.Extensions.Hosting", null), ("Microsoft.Extensions.Hosting", "10.0.14"));
        File.WriteAllText(Path.Combine(app, "ReadmeHosting.cs"), ReadmeCSharp.HostingRegistrations(Readme, ReadmePath));
        packed.Runner.Run(app, "dotnet", "build -c Release -warnaserror");
        string dll = Path.Combine(app, "bin", "Release", "net10.0", "HostedConsumer.dll");

        // README's block registers what its comments say: the generated segment and the struct by name, as singletons.
        Assert.Equal(["Singleton HealthSegment", "Singleton SharedSegment<Health>"],
            packed.Runner.Run(app, "dotnet", $"\"{dll}\" readme").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        string segments = packed.NewFolder("hosted-segments");

        Assert.Equal("beats=1 status= creator=True", Line(packed.Runner.Run(app, "dotnet", $"\"{dll}\" \"{segments}\" first")));
        Assert.Single(Directory.GetFileSystemEntries(segments)); // outlives the first host: DeleteOnShutdown was off
        Assert.Equal("beats=2 status=up creator=False", Line(packed.Runner.Run(app, "dotnet", $"\"{dll}\" \"{segments}\" last")));
        Assert.Empty(Directory.GetFileSystemEntries(segments)); // the second host deleted it at shutdown

        // Restore resolved the core package from the hosting package's dependency, at the packed version.
        string assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"SharedStruct/{packed.Version}\"", assets);
    }

    private static string Line(string output) => output
        .Split('\n', StringSplitOptions.TrimEntries)
        .Single(line => line.StartsWith("beats=", StringComparison.Ordinal));
}
