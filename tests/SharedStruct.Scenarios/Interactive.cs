using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using SharedStruct;

namespace SharedStruct.Scenarios;

/// <summary>The payload every scenario shares.</summary>
internal struct Counter
{
    public long Value;
}

/// <summary>A payload of another size, for the layout-mismatch scenario; only its size matters.</summary>
internal unsafe struct BigCounter
{
    public fixed byte Padding[4096];
}

/// <summary>
/// A scripted segment user, driven line by line over stdin so that one (slow to start) Wine process can play a whole
/// scenario. The Windows tests run these verbs under Wine (published -r win-x64); they run on Linux too. Every answer is one line on stdout.
/// <code>
/// SharedStruct.Scenarios repl NAME [--file PATH] [--fingerprint N] [--big] [--mode create-or-open|create-new|open-existing] [--init V | --init-hang]
///                [--global] [--sharing owner|group|everyone] [--open-timeout MS]
///   commands: lock MS | unlock | get | set V | inc N | flush | exit
/// SharedStruct.Scenarios names NAME...        prints "accepted" or "refused TYPE" per name
/// SharedStruct.Scenarios peek NAME [--try-write]   read-only open: prints "value V"; then tries to write through the read-only view
/// SharedStruct.Scenarios squat NAME           creates the segment's section with another owner (SYSTEM), as a squatter would; waits for stdin
/// SharedStruct.Scenarios hello                prints "hello PID" (warms up a fresh WINEPREFIX)
/// </code>
/// </summary>
internal static class Interactive
{
    /// <summary>The verbs this class answers; the scenarios app sends them here.</summary>
    public static bool Handles(string verb) => verb is "hello" or "names" or "repl" or "peek" or "squat";

    public static int Run(string[] args)
    {
        try
        {
            return args.Length == 0 ? Usage() : args[0] switch
            {
                "hello" => Hello(),
                "names" => Names(args[1..]),
                "repl" when args.Length >= 2 => Repl(args[1], args[2..]),
                "peek" when args.Length >= 4 && args[2] == "--wait-change" => PeekAndWait(args[1], int.Parse(args[3], CultureInfo.InvariantCulture)),
                "peek" when args.Length >= 2 => Peek(args[1], args.Length > 2 && args[2] == "--try-write"),
                "squat" when args.Length >= 2 => Squat(args[1]),
                _ => Usage(),
            };
        }
        catch (Exception e)
        {
            Say($"error {e.GetType().FullName} {OneLine(e.Message)}");
            return 2;
        }
    }

    private static int Usage()
    {
        Say("error usage: hello | names NAME... | repl NAME [--file PATH] [--fingerprint N] [--big] [--mode M]");
        return 64;
    }

    private static int Hello()
    {
        Say($"hello {Environment.ProcessId} {(OperatingSystem.IsWindows() ? "windows" : "other")}");
        return 0;
    }

    private static unsafe int Peek(string name, bool tryWrite)
    {
        string description = "windows-child Counter seed=1";
        var layout = new SegmentLayout(SegmentLayout.ComputeFingerprint(description), description);
        using var segment = SharedSegment<Counter>.OpenReadOnly(name, layout: layout);
        Say("value " + segment.Read(TimeSpan.FromSeconds(10)).Value.ToString(CultureInfo.InvariantCulture));
        if (tryWrite)
        {
            // The API has no write path; go around it. A read-only view must make the processor refuse the store.
            fixed (Counter* p = &segment.GetUnsynchronizedReference())
                p->Value = -1;
            Say("wrote");
        }
        return 0;
    }

    /// <summary>A read-only watcher: prints the value and the version, sleeps until the next change, prints the new value.</summary>
    private static int PeekAndWait(string name, int waitMs)
    {
        string description = "windows-child Counter seed=1";
        var layout = new SegmentLayout(SegmentLayout.ComputeFingerprint(description), description);
        using var segment = SharedSegment<Counter>.OpenReadOnly(name, layout: layout);
        Counter value = segment.Read(TimeSpan.FromSeconds(10), out ulong version, out _);
        Say("value " + value.Value.ToString(CultureInfo.InvariantCulture));
        Say("version " + version.ToString(CultureInfo.InvariantCulture));
        if (!segment.WaitForChange(version, TimeSpan.FromMilliseconds(waitMs)))
        {
            Say("timeout");
            return 1;
        }
        Say("changed value=" + segment.Read(TimeSpan.FromSeconds(10)).Value.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static int Squat(string name)
    {
        if (!OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("squat is a Windows scenario");
        nint section = Squatter.Create(@"Local\sharedstruct." + name);
        Say("squatting");
        Console.In.ReadLine();
        Squatter.Close(section);
        return 0;
    }

    private static int Names(string[] names)
    {
        foreach (string name in names)
        {
            try
            {
                using var segment = SharedSegment<Counter>.Open(name);
                Say("accepted " + name);
            }
            catch (Exception e)
            {
                Say($"refused {e.GetType().FullName} {OneLine(e.Message)}");
            }
        }
        return 0;
    }

    private static int Repl(string name, string[] rest)
    {
        var options = new SharedSegmentOptions { OpenTimeout = TimeSpan.FromSeconds(10) };
        long fingerprintSeed = 1;
        bool big = false;
        bool initHang = false;
        long? initValue = null;
        for (int i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--file": options.FilePath = rest[++i]; break;
                case "--fingerprint": fingerprintSeed = long.Parse(rest[++i], CultureInfo.InvariantCulture); break;
                case "--big": big = true; break;
                case "--init-hang": initHang = true; break;
                case "--init": initValue = long.Parse(rest[++i], CultureInfo.InvariantCulture); break;
                case "--global": options.Global = true; break;
                case "--open-timeout": options.OpenTimeout = TimeSpan.FromMilliseconds(int.Parse(rest[++i], CultureInfo.InvariantCulture)); break;
                case "--sharing":
                    options.Sharing = rest[++i] switch
                    {
                        "group" => SegmentSharing.Group,
                        "everyone" => SegmentSharing.Everyone,
                        _ => SegmentSharing.OwnerOnly,
                    };
                    break;
                case "--mode":
                    options.Mode = rest[++i] switch
                    {
                        "create-new" => SegmentOpenMode.CreateNew,
                        "open-existing" => SegmentOpenMode.OpenExisting,
                        _ => SegmentOpenMode.CreateOrOpen,
                    };
                    break;
                default: throw new ArgumentException("unknown option " + rest[i]);
            }
        }
        string description = $"windows-child {(big ? "BigCounter" : "Counter")} seed={fingerprintSeed}";
        var layout = new SegmentLayout(SegmentLayout.ComputeFingerprint(description), description);
        if (big)
        {
            using var bigSegment = SharedSegment<BigCounter>.Open(name, options, layout);
            Say($"ready creator={bigSegment.IsCreator} pid={Environment.ProcessId}");
            return 0;
        }
        SegmentInitializer<Counter>? initializer = null;
        if (initHang)
        {
            // Dies (is killed) inside its initializer, half-way through it.
            initializer = (ref Counter c) => { c.Value = -666; Say("initialising"); Thread.Sleep(Timeout.Infinite); };
        }
        else if (initValue is long v)
        {
            initializer = (ref Counter c) => c.Value = v;
        }
        using var segment = SharedSegment<Counter>.Open(name, options, layout, initializer);
        Say($"ready creator={segment.IsCreator} pid={Environment.ProcessId} location={segment.Location}");
        return Serve(segment);
    }

    private static int Serve(SharedSegment<Counter> segment)
    {
        SegmentGuard<Counter> held = default;
        string? line;
        while ((line = Console.In.ReadLine()) is not null)
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
                continue;
            try
            {
                switch (words[0])
                {
                    case "lock":
                    {
                        var timeout = TimeSpan.FromMilliseconds(int.Parse(words[1], CultureInfo.InvariantCulture));
                        long start = Stopwatch.GetTimestamp();
                        if (segment.TryLock(timeout, out SegmentGuard<Counter> guard))
                        {
                            held = guard;
                            Say($"locked abandoned={held.WasAbandoned} waitedMs={(long)Stopwatch.GetElapsedTime(start).TotalMilliseconds}");
                        }
                        else
                        {
                            Say($"timeout waitedMs={(long)Stopwatch.GetElapsedTime(start).TotalMilliseconds}");
                        }
                        break;
                    }
                    case "unlock":
                        held.Dispose();
                        held = default;
                        Say("unlocked");
                        break;
                    case "get":
                    {
                        using SegmentGuard<Counter> guard = segment.Lock(TimeSpan.FromSeconds(10));
                        Say("value " + guard.Value.Value.ToString(CultureInfo.InvariantCulture));
                        break;
                    }
                    case "set":
                    {
                        using SegmentGuard<Counter> guard = segment.Lock(TimeSpan.FromSeconds(10));
                        guard.Value.Value = long.Parse(words[1], CultureInfo.InvariantCulture);
                        Say("set");
                        break;
                    }
                    case "inc":
                    {
                        int n = int.Parse(words[1], CultureInfo.InvariantCulture);
                        for (int i = 0; i < n; i++)
                        {
                            using SegmentGuard<Counter> guard = segment.Lock(TimeSpan.FromSeconds(30));
                            // Deliberately not atomic: read, let others run, write back. Only the lock keeps the total exact.
                            long v = guard.Value.Value;
                            if ((i & 63) == 0)
                                Thread.Yield();
                            guard.Value.Value = v + 1;
                        }
                        Say("incremented " + n.ToString(CultureInfo.InvariantCulture));
                        break;
                    }
                    case "version":
                        Say("version " + segment.Version.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "recurse":
                    {
                        // Holds the lock, locks again on this thread (must throw at once), and lets another thread try
                        // (must wait and time out, not be told it recursed).
                        using SegmentGuard<Counter> guard = segment.Lock(TimeSpan.FromSeconds(10));
                        string same;
                        try
                        {
                            using SegmentGuard<Counter> again = segment.Lock(TimeSpan.FromSeconds(10));
                            same = "none";
                        }
                        catch (LockRecursionException)
                        {
                            same = "recursion";
                        }
                        string other = "";
                        var thread = new Thread(() =>
                        {
                            try
                            {
                                other = segment.TryLock(TimeSpan.FromMilliseconds(100), out SegmentGuard<Counter> g) ? "locked" : "timeout";
                                g.Dispose();
                            }
                            catch (Exception e)
                            {
                                other = e.GetType().Name;
                            }
                        });
                        thread.Start();
                        thread.Join();
                        Say($"same={same} other={other}");
                        break;
                    }
                    case "wait":
                    case "waitasync":
                    {
                        // wait SINCE MS: sleeps until the version differs from SINCE, or MS pass.
                        ulong since = ulong.Parse(words[1], CultureInfo.InvariantCulture);
                        var timeout = TimeSpan.FromMilliseconds(int.Parse(words[2], CultureInfo.InvariantCulture));
                        bool changed = words[0] == "wait"
                            ? segment.WaitForChange(since, timeout)
                            : segment.WaitForChangeAsync(since, timeout, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                        Say(changed ? "changed version=" + segment.Version.ToString(CultureInfo.InvariantCulture) : "timeout");
                        break;
                    }
                    case "waitcancel":
                    case "waitasynccancel":
                    case "lockcancel":
                    {
                        // X MS CANCELMS: waits up to MS (for a change, or for the lock) and is cancelled after CANCELMS.
                        var timeout = TimeSpan.FromMilliseconds(int.Parse(words[1], CultureInfo.InvariantCulture));
                        using var cancel = new CancellationTokenSource(int.Parse(words[2], CultureInfo.InvariantCulture));
                        long start = Stopwatch.GetTimestamp();
                        try
                        {
                            if (words[0] == "lockcancel")
                            {
                                using SegmentGuard<Counter> guard = segment.Lock(timeout, cancel.Token);
                                Say("locked");
                            }
                            else
                            {
                                bool changed = words[0] == "waitcancel"
                                    ? segment.WaitForChange(segment.Version, timeout, cancel.Token)
                                    : segment.WaitForChangeAsync(segment.Version, timeout, cancel.Token).AsTask().GetAwaiter().GetResult();
                                Say(changed ? "changed" : "timeout");
                            }
                        }
                        catch (OperationCanceledException)
                        {
                            Say($"cancelled waitedMs={(long)Stopwatch.GetElapsedTime(start).TotalMilliseconds}");
                        }
                        break;
                    }
                    case "flush":
                        segment.Flush();
                        Say("flushed");
                        break;
                    case "exit":
                        held.Dispose();
                        Say("bye");
                        return 0;
                    default:
                        Say("error unknown command " + words[0]);
                        break;
                }
            }
            catch (Exception e)
            {
                Say($"error {e.GetType().FullName} {OneLine(e.Message)}");
            }
        }
        held.Dispose();
        return 0;
    }

    private static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');

    private static void Say(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
