using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SharedStruct.Samples.ServiceWithSidecar;

// The service of the pair: a Generic Host whose workers publish the service's health and their own statistics in one
// shared segment, registered with AddSharedSegment. Runs until stopped (Ctrl+C, SIGTERM).
//   [--workers N] [--item-ms MS] [--fail-every K] [--dir DIR]      (any configuration source works too)

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
var settings = new WorkerSettings(
    Workers: builder.Configuration.GetValue("workers", 3),
    ItemTime: TimeSpan.FromMilliseconds(builder.Configuration.GetValue("item-ms", 25)),
    FailEvery: builder.Configuration.GetValue("fail-every", 7));
if (settings.Workers is < 1 or > ServiceHealth.MaxWorkers)
    throw new ArgumentOutOfRangeException("workers", settings.Workers, $"1 to {ServiceHealth.MaxWorkers} workers fit in the segment.");
string? directory = builder.Configuration["dir"];

// Opened while the host starts; disposed when it stops, and deleted then unless the sidecar (or anyone) still has it
// open: the package keeps it for them and logs a warning.
builder.Services.AddSharedSegment(o => ServiceHealth.Open(o), s => s.Segment, o =>
{
    o.Segment.Directory = directory;
    o.DeleteOnShutdown = true;
});
builder.Services.AddSingleton(settings);
// Hosted services stop in reverse order: the publisher, registered first, stops last and reports Stopped.
builder.Services.AddHostedService<HealthPublisher>();
for (int i = 0; i < settings.Workers; i++)
{
    int index = i;
    builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<ItemWorker>(sp, index));
}

using IHost host = builder.Build();
await host.RunAsync();
