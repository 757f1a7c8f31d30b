using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace SharedStruct.Scenarios;

/// <summary>
/// Child-process verbs for crash-atomic segments (RollbackOnCrash). Each opens the segment in that mode (unless the
/// verb says otherwise) and prints what the test checks; a critical section always does A++, a pause, B++.
/// </summary>
internal static class RollbackVerbs
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public static bool Handles(string verb) => verb.StartsWith("atomic-", StringComparison.Ordinal);

    public static int Run(string[] args, SharedSegmentOptions options)
    {
        string verb = args[0], name = args[1];
        long Arg(int i) => long.Parse(args[i], CultureInfo.InvariantCulture);
        SharedSegmentOptions atomic = options.WithMode(options.Mode);
        // "--default": the same verb in the default mode, for the tests' twins.
        atomic.RollbackOnCrash = Array.IndexOf(args, "--default") < 0;
        switch (verb)
        {
            case "atomic-chaos":
                return Chaos(name, atomic);
            case "atomic-hold":
                return Hold(name, atomic);
            case "atomic-section":
                return Section(name, atomic, (int)Arg(2));
            case "atomic-reader":
                return Reader(name, atomic);
            case "atomic-big-writer":
                return BigWriter(name, atomic);
            case "atomic-open-default":
                return OpenDefault(name, options);
            default:
                Console.WriteLine($"unknown verb {verb}");
                return 2;
        }
    }

    /// <summary>
    /// Critical sections until killed. Prints "rolled-back a= b=" for a recovery that rolled back, and stops with
    /// "abandoned-not-rolled-back" or "torn a= b=" for what must never happen.
    /// </summary>
    private static int Chaos(string name, SharedSegmentOptions options)
    {
        using var seg = SharedSegment<PairPayload>.Open(name, options);
        Console.WriteLine("ready");
        for (long rounds = 0; ; rounds++)
        {
            using var g = seg.Lock(LockTimeout);
            ref PairPayload p = ref g.Value;
            if (g.WasAbandoned && !g.WasRolledBack)
            {
                Console.WriteLine("abandoned-not-rolled-back");
                return 3;
            }
            if (p.A != p.B)
            {
                Console.WriteLine($"torn a={p.A} b={p.B} abandoned={g.WasAbandoned}");
                return 3;
            }
            if (g.WasRolledBack)
                Console.WriteLine($"rolled-back a={p.A} b={p.B}");
            p.A++;
            Thread.SpinWait(200 + (int)(rounds % 800));
            p.B++;
            p.Sections++;
        }
    }

    /// <summary>Half a section (A++), then "locked", then waits (to be killed, or for a line to finish it).</summary>
    private static int Hold(string name, SharedSegmentOptions options)
    {
        using var seg = SharedSegment<PairPayload>.Open(name, options);
        var g = seg.Lock(LockTimeout);
        g.Value.A++;
        Console.WriteLine($"locked a={g.Value.A} b={g.Value.B}");
        Console.ReadLine();
        g.Value.B++;
        g.Dispose();
        Console.WriteLine("released");
        return 0;
    }

    /// <summary>One section that lasts <paramref name="ms"/>: "in-section" after A++, "committed a= b=" after the release.</summary>
    private static int Section(string name, SharedSegmentOptions options, int ms)
    {
        using var seg = SharedSegment<PairPayload>.Open(name, options);
        using (var g = seg.Lock(LockTimeout))
        {
            g.Value.A++;
            Console.WriteLine($"in-section a={g.Value.A}");
            Thread.Sleep(ms);
            g.Value.B++;
        }
        PairPayload after = seg.ReadSnapshot(LockTimeout);
        Console.WriteLine($"committed a={after.A} b={after.B}");
        return 0;
    }

    /// <summary>
    /// A read-only reader polling until a line arrives on stdin; then "done reads=N torn=T errors=E mayBeTorn=M
    /// maxus=X" (the slowest read in microseconds). Every read has a 1 s timeout; a failure of any kind is an error.
    /// </summary>
    private static int Reader(string name, SharedSegmentOptions options)
    {
        using var seg = SharedSegment<PairPayload>.OpenReadOnly(name, options);
        Console.WriteLine($"ready rollback={seg.RollbackOnCrash}");
        int stop = 0;
        var stdin = new Thread(() => { Console.ReadLine(); Volatile.Write(ref stop, 1); }) { IsBackground = true };
        stdin.Start();
        long reads = 0, torn = 0, errors = 0, mayBeTornCount = 0;
        double maxUs = 0;
        string firstError = "";
        while (Volatile.Read(ref stop) == 0)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                PairPayload p = seg.Read(TimeSpan.FromSeconds(1), out bool mayBeTorn);
                maxUs = Math.Max(maxUs, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                reads++;
                if (p.A != p.B)
                    torn++;
                if (mayBeTorn)
                    mayBeTornCount++;
            }
            catch (Exception e)
            {
                if (errors++ == 0)
                    firstError = e.GetType().Name + ": " + e.Message;
            }
            Thread.SpinWait(100);
        }
        Console.WriteLine(FormattableString.Invariant($"done reads={reads} torn={torn} errors={errors} mayBeTorn={mayBeTornCount} maxus={maxUs:F0} {firstError}"));
        return 0;
    }

    /// <summary>
    /// Sections over a 4 MiB payload until killed: about half the time goes into the backup an acquire takes (a copy of
    /// the payload), the other half into the section, which rewrites every byte between A and B.
    /// </summary>
    private static unsafe int BigWriter(string name, SharedSegmentOptions options)
    {
        using var seg = SharedSegment<BigPairPayload>.Open(name, options);
        Console.WriteLine("ready");
        while (true)
        {
            using var g = seg.Lock(LockTimeout);
            long next = g.Value.A + 1;
            g.Value.A = next;
            // Every byte of the pad, so a kill mid-section leaves most of the payload half-updated.
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref g.Value.Pad[0], BigPairPayload.PadBytes).Fill((byte)next);
            g.Value.B = next;
        }
    }

    /// <summary>Opens the pair segment in the default mode: "opened" or "refused TYPE: MESSAGE".</summary>
    private static int OpenDefault(string name, SharedSegmentOptions options)
    {
        try
        {
            using var seg = SharedSegment<PairPayload>.Open(name, options);
            Console.WriteLine("opened");
        }
        catch (Exception e)
        {
            Console.WriteLine($"refused {e.GetType().Name}: {e.Message.Replace('\n', ' ')}");
        }
        return 0;
    }
}
