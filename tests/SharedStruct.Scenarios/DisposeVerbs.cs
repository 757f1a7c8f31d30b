using System;
using System.Threading;

namespace SharedStruct.Scenarios;

/// <summary>Child-process verbs that race a segment object's Dispose against its guard's release on another thread.</summary>
internal static class DisposeVerbs
{
    public static bool Handles(string verb) => verb is "dispose-releasing";

    /// <summary>
    /// <c>dispose-releasing NAME ROUNDS</c>: each round opens the segment, locks it on a second thread, and then disposes
    /// the segment object on this thread while that thread releases its guard. Whichever side finishes the disposal,
    /// the other must not touch the mapping after it is gone (a fault ends this process). Prints "raced ROUNDS".
    /// </summary>
    public static int Run(string[] args, SharedSegmentOptions options)
    {
        string name = args[1];
        int rounds = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        options.Mode = SegmentOpenMode.OpenExisting;
        for (int round = 0; round < rounds; round++)
        {
            var seg = SharedSegment<TestPayload>.Open(name, options);
            using var go = new Barrier(2);
            var releaser = new Thread(() =>
            {
                var g = seg.Lock(TimeSpan.FromSeconds(10));
                go.SignalAndWait();
                g.Dispose();
            }) { IsBackground = true };
            releaser.Start();
            go.SignalAndWait();
            seg.Dispose();
            if (!releaser.Join(TimeSpan.FromSeconds(10)))
            {
                Console.WriteLine($"releaser-stuck round={round}");
                return 3;
            }
        }
        Console.WriteLine($"raced {rounds}");
        return 0;
    }
}
