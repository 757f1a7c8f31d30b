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
    /// <c>dispose-releasing NAME ROUNDS waiter</c>: a third thread also waits for the lock through the same object, so
    /// it may win the lock between the release and the disposal; it must end with a guard it releases or with
    /// ObjectDisposedException, never fault. Prints "raced ROUNDS won=N disposed=M".
    /// </summary>
    public static int Run(string[] args, SharedSegmentOptions options)
    {
        string name = args[1];
        int rounds = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        bool withWaiter = args.Length > 3 && args[3] == "waiter";
        options.Mode = SegmentOpenMode.OpenExisting;
        int won = 0, disposed = 0;
        for (int round = 0; round < rounds; round++)
        {
            var seg = SharedSegment<TestPayload>.Open(name, options);
            using var go = new Barrier(withWaiter ? 3 : 2);
            Thread? waiter = null;
            if (withWaiter)
            {
                waiter = new Thread(() =>
                {
                    go.SignalAndWait();
                    try
                    {
                        using var g = seg.Lock(TimeSpan.FromSeconds(10));
                        g.Value.Shadow++; // the mapping must still be there while the guard is held
                        Interlocked.Increment(ref won);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref disposed);
                    }
                }) { IsBackground = true };
                waiter.Start();
            }
            var releaser = new Thread(() =>
            {
                var g = seg.Lock(TimeSpan.FromSeconds(10));
                go.SignalAndWait();
                g.Dispose();
            }) { IsBackground = true };
            releaser.Start();
            go.SignalAndWait();
            seg.Dispose();
            if (!releaser.Join(TimeSpan.FromSeconds(10)) || waiter?.Join(TimeSpan.FromSeconds(20)) == false)
            {
                Console.WriteLine($"thread-stuck round={round}");
                return 3;
            }
        }
        Console.WriteLine(withWaiter ? $"raced {rounds} won={won} disposed={disposed}" : $"raced {rounds}");
        return 0;
    }
}
