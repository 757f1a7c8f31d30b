using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using SharedStruct;
using SharedStruct.EndToEnd;

/// <summary>
/// Cancellation of the generated lock waits:
///   cancel-hold &lt;dir&gt;                 takes the generated Lock(), prints "locked", releases after a line on stdin and
///                                    prints "released"
///   cancel-lock &lt;dir&gt; lock|trylock &lt;cancel after ms&gt; &lt;timeout ms&gt;
///                                    the generated Lock(timeout, token) or TryLock(timeout, out guard, token), with a
///                                    token another thread cancels after the given time (0: never); prints
///                                    "cancelled since-cancel-ms=N waited-ms=M", "timeout waited-ms=M" or "acquired"
/// </summary>
internal static class CancelCommands
{
    public static int Run(string[] args, SharedSegmentOptions options)
    {
        switch (args[0])
        {
            case "cancel-hold":
            {
                using CounterSegment segment = Counter.OpenExisting(options);
                using (var guard = segment.Lock())
                {
                    guard.Value.Hits++;
                    Console.WriteLine("locked");
                    Console.ReadLine();
                }
                Console.WriteLine("released");
                return 0;
            }
            case "cancel-lock":
                return LockWithCancellation(args[2] == "trylock", Milliseconds(args[3]), Milliseconds(args[4]), options);
            default:
                Console.Error.WriteLine("unknown command " + args[0]);
                return 2;
        }
    }

    private static int LockWithCancellation(bool tryLock, int cancelAfterMs, int timeoutMs, SharedSegmentOptions options)
    {
        using CounterSegment segment = Counter.OpenExisting(options);
        using var cancel = new CancellationTokenSource();
        long cancelledAt = 0;
        var canceller = new Thread(() =>
        {
            Thread.Sleep(cancelAfterMs);
            // Noted just before the Cancel call, so the time printed covers everything after it.
            Volatile.Write(ref cancelledAt, Stopwatch.GetTimestamp());
            cancel.Cancel();
        }) { IsBackground = true };
        if (cancelAfterMs > 0)
            canceller.Start();
        TimeSpan timeout = TimeSpan.FromMilliseconds(timeoutMs);
        long start = Stopwatch.GetTimestamp();
        try
        {
            bool acquired;
            if (tryLock)
            {
                acquired = segment.TryLock(timeout, out var guard, cancel.Token);
                if (acquired)
                    guard.Dispose();
            }
            else
            {
                using var guard = segment.Lock(timeout, cancel.Token);
                acquired = true;
            }
            Console.WriteLine(acquired ? "acquired" : "timeout waited-ms=" + Since(start));
        }
        catch (OperationCanceledException)
        {
            long end = Stopwatch.GetTimestamp();
            Console.WriteLine("cancelled since-cancel-ms=" + Between(Volatile.Read(ref cancelledAt), end) + " waited-ms=" + Between(start, end));
        }
        catch (TimeoutException)
        {
            Console.WriteLine("timeout waited-ms=" + Since(start));
        }
        return 0;
    }

    private static int Milliseconds(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static string Since(long start) => Between(start, Stopwatch.GetTimestamp());

    private static string Between(long from, long to) =>
        ((long)Stopwatch.GetElapsedTime(from, to).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
