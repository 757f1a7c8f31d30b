using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using SharedStruct;
using SharedStruct.Samples.Telemetry;

// Telemetry: one publisher writes a struct of readings many times a second; any number of readers display them.
// A reader that starts late sees the current state at once: the segment holds it, no history is replayed.
//   publish [--rate HZ] [--count N]     read [--count N]      [--dir DIR]

string? directory = null;
int rate = 20;
long count = long.MaxValue;
string? command = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--dir": directory = args[++i]; break;
        case "--rate": rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--count": count = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: command = args[i]; break;
    }
}
var options = new SharedSegmentOptions { Directory = directory };

switch (command)
{
    case "publish":
    {
        using ReadingsSegment segment = Readings.Open(options);
        var self = Process.GetCurrentProcess();
        Console.WriteLine($"publishing to '{segment.Name}' at {rate} Hz");
        for (long n = 0; n < count; n++)
        {
            self.Refresh();
            using (var guard = segment.Lock())
            {
                ref Readings r = ref guard.Value;
                r.Sequence++;
                r.PublishedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                r.CpuSeconds = self.TotalProcessorTime.TotalSeconds;
                r.WorkingSetMb = self.WorkingSet64 / 1048576.0;
                r.Gen0Collections = GC.CollectionCount(0);
                r.PublisherPid = Environment.ProcessId;
            }
            Thread.Sleep(1000 / Math.Max(1, rate));
        }
        break;
    }
    case "read":
    {
        // Read-only: a reader can never disturb the publisher, and takes no lock.
        using ReadingsReadOnlySegment segment = Readings.OpenReadOnly(options);
        long last = -1;
        for (long shown = 0; shown < count;)
        {
            Readings r = segment.ReadSnapshot(TimeSpan.FromSeconds(1), out ulong seen);
            if (r.Sequence != last)
            {
                long age = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - r.PublishedUnixMs;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"#{r.Sequence} from process {r.PublisherPid}: cpu {r.CpuSeconds:F2} s, working set {r.WorkingSetMb:F1} MB, gen0 GCs {r.Gen0Collections} ({age} ms old)"));
                last = r.Sequence;
                shown++;
            }
            // Asleep until the publisher's next release (the read-only view registers through the header page).
            segment.WaitForChange(seen, Timeout.InfiniteTimeSpan);
        }
        break;
    }
    default:
        Console.Error.WriteLine("usage: Telemetry publish [--rate HZ] [--count N] | read [--count N]  [--dir DIR]");
        return 2;
}
return 0;
