using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace SharedStruct.Scenarios;

/// <summary>
/// Child-process verbs for change notification: watchers in each mode, and a writer. Each prints what the test checks;
/// "ready" tells the parent that the watcher is registered (or the writer is waiting for "go").
/// </summary>
internal static class WatchVerbs
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    public static bool Handles(string verb) => verb is "watch" or "bump" or "watchers" or "dispose-waiting";

    /// <summary>
    /// <c>watch NAME FINAL MODE [WAITMS]</c>: waits for changes until Value reaches FINAL, then prints "final value=V
    /// seen=N wakes=W". MODE: rw, ro (sync waits), rw-async, ro-async (WaitForChangeAsync), stream (WatchAsync on a
    /// read-only view). Values must never go back. A wait that times out (WAITMS, default 30 s) prints "timeout".
    /// <c>bump NAME COUNT locked|lockfree|silent</c>: after "go", sets Value to 1..COUNT, each under its own lock (or
    /// with a lock-free increment that tells watchers, or one that does not), then prints "done".
    /// <c>--no-safety-poll</c>: the watcher sleeps until woken or timed out, never looking on its own.
    /// <c>watchers NAME</c>: prints "watchers N", the registered watcher count in the header. The Linux tests read it
    /// in their own process; under Wine only a Windows process can open a Windows segment, so the Wine tests ask this.
    /// <c>dispose-waiting NAME ROUNDS sync|async</c>: each round opens a read-only view, starts an infinite change wait
    /// on it (a thread in WaitForChange, or WaitForChangeAsync's dispatcher), and disposes the view after a random short
    /// spin, so the disposal's wake lands anywhere around the waiter's last look before it sleeps. Prints "disposed
    /// ROUNDS" when every disposal returned and every wait ended with ObjectDisposedException; "hung round=N" (exit 3)
    /// when a disposal took over 10 s. <c>dispose-waiting NAME ROUNDS cancel</c>: the same with a cancellation instead
    /// of the disposal (a thread in WaitForChange with a token); prints "cancelled ROUNDS" when every wait ended with
    /// OperationCanceledException, "waiter-stuck round=N" (exit 3) when one outlived its cancellation by 10 s.
    /// </summary>
    public static int Run(string[] args, SharedSegmentOptions options)
    {
        string verb = args[0], name = args[1];
        if (Array.IndexOf(args, "--no-safety-poll") >= 0)
            Locking.SegmentCore.SafetyPollMs = Timeout.Infinite; // a lost wake-up then hangs until the wait's timeout
        long Arg(int i) => long.Parse(args[i], CultureInfo.InvariantCulture);
        if (verb == "watchers")
        {
            Console.WriteLine($"watchers {SegmentInspector.Inspect(name, options).Watchers}");
            return 0;
        }
        if (verb == "bump")
            return Bump(name, Arg(2), args[3], options);
        if (verb == "dispose-waiting")
            return args[3] == "cancel" ? CancelWaiting(name, (int)Arg(2), options) : DisposeWaiting(name, (int)Arg(2), args[3] == "async", options);
        long final = Arg(2);
        string mode = args[3];
        TimeSpan wait = TimeSpan.FromMilliseconds(args.Length > 4 && !args[4].StartsWith("--", StringComparison.Ordinal) ? Arg(4) : 30_000);
        return mode == "stream" ? Stream(name, final, options).GetAwaiter().GetResult() : Watch(name, final, mode, wait, options);
    }

    private static int Watch(string name, long final, string mode, TimeSpan wait, SharedSegmentOptions options)
    {
        bool readOnly = mode.StartsWith("ro", StringComparison.Ordinal);
        bool async = mode.EndsWith("-async", StringComparison.Ordinal);
        options.Mode = SegmentOpenMode.OpenExisting;
        using SharedSegment<TestPayload>? writable = readOnly ? null : SharedSegment<TestPayload>.Open(name, options);
        using ReadOnlySharedSegment<TestPayload>? view = readOnly ? SharedSegment<TestPayload>.OpenReadOnly(name, options) : null;

        TestPayload Read(out ulong version) =>
            view is not null ? view.Read(ReadTimeout, out version, out _) : writable!.ReadSnapshot(ReadTimeout, out version, out _);
        bool WaitFor(ulong since, TimeSpan timeout) => async
            ? (view is not null ? view.WaitForChangeAsync(since, timeout) : writable!.WaitForChangeAsync(since, timeout)).AsTask().GetAwaiter().GetResult()
            : view is not null ? view.WaitForChange(since, timeout) : writable!.WaitForChange(since, timeout);

        // The first wait registers the watcher; a change meanwhile only ends it early.
        Read(out ulong first);
        WaitFor(first, TimeSpan.FromMilliseconds(1));
        // The first value of the loop is read before "ready": a writer that starts on "ready" may finish before a slow
        // watcher (under Wine, on a loaded machine) would otherwise look, and then no wake would be needed at all.
        TestPayload value = Read(out ulong version);
        Console.WriteLine("ready");
        long seen = 0, wakes = 0, last = long.MinValue;
        while (true)
        {
            seen++;
            if (value.Value < last)
            {
                Console.WriteLine($"went-back from={last} to={value.Value}");
                return 5;
            }
            last = value.Value;
            if (value.Value >= final)
            {
                Console.WriteLine($"final value={value.Value} seen={seen} wakes={wakes}");
                return 0;
            }
            if (!WaitFor(version, wait))
            {
                Console.WriteLine($"timeout value={value.Value}");
                return 4;
            }
            wakes++;
            value = Read(out version);
        }
    }

    private static async Task<int> Stream(string name, long final, SharedSegmentOptions options)
    {
        options.Mode = SegmentOpenMode.OpenExisting;
        using var view = SharedSegment<TestPayload>.OpenReadOnly(name, options);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long seen = 0, last = long.MinValue;
        try
        {
            await foreach (TestPayload value in view.WatchAsync(stop.Token))
            {
                if (seen++ == 0)
                    Console.WriteLine("ready");
                if (value.Value < last)
                {
                    Console.WriteLine($"went-back from={last} to={value.Value}");
                    return 5;
                }
                last = value.Value;
                if (value.Value >= final)
                {
                    Console.WriteLine($"final value={value.Value} seen={seen} wakes={seen - 1}");
                    return 0;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine($"timeout value={last}");
            return 4;
        }
        return 6;
    }

    private static int Bump(string name, long count, string how, SharedSegmentOptions options)
    {
        using var seg = SharedSegment<TestPayload>.Open(name, options);
        Console.WriteLine("ready");
        Console.ReadLine(); // "go"
        for (long i = 1; i <= count; i++)
        {
            if (how != "locked")
            {
                Interlocked.Increment(ref seg.GetUnsynchronizedReference().Value);
                if (how == "lockfree")
                    seg.NoteLockFreeWrite(); // "silent" leaves it out: watchers are not told
            }
            else
            {
                using var g = seg.Lock(ReadTimeout);
                g.Value.Value = i;
            }
        }
        Console.WriteLine("done");
        return 0;
    }

    private static int DisposeWaiting(string name, int rounds, bool async, SharedSegmentOptions options)
    {
        options.Mode = SegmentOpenMode.OpenExisting;
        var random = new Random(7);
        for (int round = 0; round < rounds; round++)
        {
            var view = SharedSegment<TestPayload>.OpenReadOnly(name, options);
            ulong since = view.Version;
            Exception? ended = null;
            Thread? waiter = null;
            Task<bool>? pending = null;
            if (async)
            {
                pending = view.WaitForChangeAsync(since, Timeout.InfiniteTimeSpan).AsTask();
            }
            else
            {
                waiter = new Thread(() =>
                {
                    try { view.WaitForChange(since, Timeout.InfiniteTimeSpan); }
                    catch (Exception e) { ended = e; }
                }) { IsBackground = true };
                waiter.Start();
            }
            Thread.SpinWait(random.Next(0, 20_000));
            var disposer = new Thread(view.Dispose) { IsBackground = true };
            disposer.Start();
            if (!disposer.Join(TimeSpan.FromSeconds(10)))
            {
                Console.WriteLine($"hung round={round}");
                return 3;
            }
            bool waiterEnded;
            if (async)
            {
                try { waiterEnded = pending!.Wait(TimeSpan.FromSeconds(10)); }
                catch (AggregateException e) { waiterEnded = true; ended = e.InnerException; }
            }
            else
            {
                waiterEnded = waiter!.Join(TimeSpan.FromSeconds(10));
            }
            if (RoundProblem<ObjectDisposedException>(round, waiterEnded, ended) is int code)
                return code;
        }
        Console.WriteLine($"disposed {rounds}");
        return 0;
    }

    private static int CancelWaiting(string name, int rounds, SharedSegmentOptions options)
    {
        options.Mode = SegmentOpenMode.OpenExisting;
        using var view = SharedSegment<TestPayload>.OpenReadOnly(name, options);
        var random = new Random(11);
        for (int round = 0; round < rounds; round++)
        {
            using var cancel = new CancellationTokenSource();
            ulong since = view.Version;
            Exception? ended = null;
            var waiter = new Thread(() =>
            {
                try { view.WaitForChange(since, Timeout.InfiniteTimeSpan, cancel.Token); }
                catch (Exception e) { ended = e; }
            }) { IsBackground = true };
            waiter.Start();
            Thread.SpinWait(random.Next(0, 20_000));
            cancel.Cancel();
            if (RoundProblem<OperationCanceledException>(round, waiter.Join(TimeSpan.FromSeconds(10)), ended) is int code)
                return code;
        }
        Console.WriteLine($"cancelled {rounds}");
        return 0;
    }

    /// <summary>Null when the round's wait ended in time with <typeparamref name="TExpected"/>; otherwise prints why and gives the exit code.</summary>
    private static int? RoundProblem<TExpected>(int round, bool waiterEnded, Exception? ended) where TExpected : Exception
    {
        if (!waiterEnded)
        {
            Console.WriteLine($"waiter-stuck round={round}");
            return 3;
        }
        if (ended is not TExpected)
        {
            Console.WriteLine($"wait-ended-with round={round} {ended?.GetType().Name ?? "no exception"}");
            return 4;
        }
        return null;
    }
}
