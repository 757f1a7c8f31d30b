using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;

namespace SharedStruct.Scenarios;

/// <summary>
/// Child-process verbs for deleting while others open (Linux): openers that check, while attached, that the name
/// still names their segment, and deleters that delete the same name as fast as they can.
/// </summary>
internal static unsafe class DeleteRaceVerbs
{
    /// <summary>A deleter's backstop: it normally runs until the test tells it to stop.</summary>
    private const long MaxDeleteRounds = 50_000_000;

    /// <summary>Violations printed one per line; the rest are only counted.</summary>
    private const int ViolationsShown = 10;

    public static bool Handles(string verb) => verb is "churn-open" or "churn-delete" or "name-hold";

    public static int Run(string[] args, SharedSegmentOptions options)
    {
        string verb = args[0], name = args[1];
        long Arg(int i) => long.Parse(args[i], CultureInfo.InvariantCulture);
        int fileIndex = Array.IndexOf(args, "--file");
        if (fileIndex >= 0)
            options.FilePath = args[fileIndex + 1];
        switch (verb)
        {
            case "churn-open":
                return ChurnOpen(name, options, Arg(2), Arg(3));
            case "churn-delete":
                return ChurnDelete(name, options);
            case "name-hold":
                return NameHold(name, options);
            default:
                Console.WriteLine($"unknown verb {verb}");
                return 2;
        }
    }

    /// <summary>
    /// <paramref name="rounds"/> times: open (creating if need be), check the name, hold about a millisecond, check
    /// again, every <paramref name="deleteEvery"/>-th round delete through the view, close; now and then pause, so the
    /// segment is sometimes unused and deleters get at it. Prints "violation …" whenever the name did not name this
    /// view's segment while it was attached (and not yet deleted by this view), then "done … violations=N".
    /// </summary>
    private static int ChurnOpen(string name, SharedSegmentOptions options, long rounds, long deleteEvery)
    {
        Console.WriteLine("ready");
        Console.ReadLine(); // "go": every child starts at once
        var random = new Random(Environment.ProcessId);
        long violations = 0, created = 0, deleted = 0, refused = 0;
        for (long round = 0; round < rounds; round++)
        {
            using (SharedSegment<TestPayload> seg = SharedSegment<TestPayload>.Open(name, options))
            {
                if (seg.IsCreator)
                    created++;
                void* at = Unsafe.AsPointer(ref seg.GetUnsynchronizedReference());
                Check(seg.Location, at, round, "opened");
                Thread.Sleep(1);
                Check(seg.Location, at, round, "held");
                if (deleteEvery > 0 && round % deleteEvery == deleteEvery - 1)
                {
                    try
                    {
                        if (seg.Delete())
                            deleted++;
                    }
                    catch (SegmentInUseException)
                    {
                        refused++;
                    }
                }
            }
            if (random.Next(2) == 0)
                Thread.Sleep(1);
        }
        Console.WriteLine($"done rounds={rounds} created={created} deleted={deleted} refused={refused} violations={violations}");
        return 0;

        void Check(string path, void* at, long round, string when)
        {
            string? problem = NameCheck.Problem(path, at);
            if (problem is null)
                return;
            if (++violations <= ViolationsShown)
                Console.WriteLine($"violation round={round} {when}: {problem}");
        }
    }

    /// <summary>Deletes the name (never forced) until a line arrives on stdin; prints what each attempt found.</summary>
    private static int ChurnDelete(string name, SharedSegmentOptions options)
    {
        Console.WriteLine("ready");
        Console.ReadLine(); // "go"
        int stop = 0;
        var stopper = new Thread(() =>
        {
            Console.ReadLine();
            Volatile.Write(ref stop, 1);
        }) { IsBackground = true };
        stopper.Start();
        long deleted = 0, inUse = 0, absent = 0;
        for (long round = 0; round < MaxDeleteRounds && Volatile.Read(ref stop) == 0; round++)
        {
            try
            {
                if (SharedSegment.Delete(name, options))
                    deleted++;
                else
                    absent++;
            }
            catch (SegmentInUseException)
            {
                inUse++;
            }
        }
        Console.WriteLine($"done deleted={deleted} in-use={inUse} absent={absent}");
        return 0;
    }

    /// <summary>Opens and stays attached; prints whether the name still names the segment, at once and for every line read, until "quit".</summary>
    private static int NameHold(string name, SharedSegmentOptions options)
    {
        using SharedSegment<TestPayload> seg = SharedSegment<TestPayload>.Open(name, options);
        void* at = Unsafe.AsPointer(ref seg.GetUnsynchronizedReference());
        Console.WriteLine($"attached {Named(seg.Location, at)}");
        while (Console.ReadLine() is string line && line != "quit")
            Console.WriteLine(Named(seg.Location, at));
        return 0;
    }

    private static string Named(string path, void* at) => NameCheck.Problem(path, at) is string problem ? $"named=no {problem}" : "named=yes";
}
