using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using SharedStruct;
using SharedStruct.Scenarios;

// Each verb prints what the test checks; "ready"/"locked"/"flushed" lines tell the parent when to act.
// Arguments: <verb> <segment name or file path> [numbers...] [--dir DIR]
if (args.Length == 0 || Interactive.Handles(args[0]))
    return Interactive.Run(args); // the line-driven verbs the Windows tests use under Wine
string verb = args[0];
string target = args[1];
var options = new SharedSegmentOptions { OpenTimeout = TimeSpan.FromSeconds(10) };
int dirIndex = Array.IndexOf(args, "--dir");
if (dirIndex >= 0)
    options.Directory = args[dirIndex + 1];
long Arg(int i) => long.Parse(args[i], CultureInfo.InvariantCulture);
TimeSpan lockTimeout = TimeSpan.FromSeconds(30);

if (WatchVerbs.Handles(verb))
    return WatchVerbs.Run(args, options);
if (RollbackVerbs.Handles(verb))
    return RollbackVerbs.Run(args, options);
if (DeleteRaceVerbs.Handles(verb))
    return DeleteRaceVerbs.Run(args, options);
if (DisposeVerbs.Handles(verb))
    return DisposeVerbs.Run(args, options);

switch (verb)
{
    case "write":
    {
        using var seg = SharedSegment<TestPayload>.Open(target, options);
        using (var g = seg.Lock(lockTimeout))
            g.Value.Value = Arg(2);
        Console.WriteLine("written");
        break;
    }
    case "read":
    {
        options.Mode = SegmentOpenMode.OpenExisting;
        using var seg = SharedSegment<TestPayload>.Open(target, options);
        using var g = seg.Lock(lockTimeout);
        Console.WriteLine($"value={g.Value.Value}");
        break;
    }
    case "increment":
    {
        long count = Arg(2);
        using var seg = SharedSegment<TestPayload>.Open(target, options);
        Console.WriteLine("ready");
        Console.ReadLine(); // "go": every worker starts at once
        long abandoned = 0;
        for (long i = 0; i < count; i++)
        {
            using var g = seg.Lock(lockTimeout);
            if (g.WasAbandoned)
                abandoned++;
            // A read-modify-write spread over two fields: a lock that let two holders in would lose updates
            // or leave Shadow != Value.
            long v = g.Value.Value;
            g.Value.Shadow = v + 1;
            Thread.SpinWait(4);
            g.Value.Value = g.Value.Shadow;
        }
        Console.WriteLine($"done abandoned={abandoned}");
        break;
    }
    case "race-create":
    {
        long token = Arg(2);
        Console.WriteLine("ready");
        Console.ReadLine();
        using var seg = SharedSegment<TestPayload>.Open(target, options, initializer: (ref TestPayload p) =>
        {
            p.InitToken = token;
            Thread.Sleep(50); // widen the window in which openers must wait for "ready"
            p.Value = 1000;
        });
        using var g = seg.Lock(lockTimeout);
        Console.WriteLine($"creator={seg.IsCreator} init={g.Value.InitToken} value={g.Value.Value}");
        break;
    }
    case "hold":
    {
        // Takes the lock, half-updates the payload, reports, then waits to be killed (or for a line on stdin).
        using var seg = SharedSegment<TestPayload>.Open(target, options);
        var g = seg.Lock(lockTimeout);
        g.Value.Shadow = g.Value.Value + 1;
        Console.WriteLine($"locked pid={Environment.ProcessId}");
        Console.ReadLine();
        g.Dispose();
        Console.WriteLine("released");
        break;
    }
    case "try-lock":
    {
        // One attempt with a bounded wait; prints what happened, never throws.
        using var seg = SharedSegment<TestPayload>.Open(target, options);
        Console.WriteLine($"ready pid={Environment.ProcessId} thread={Environment.CurrentManagedThreadId}");
        try
        {
            if (seg.TryLock(TimeSpan.FromMilliseconds(Arg(2)), out var g))
            {
                Console.WriteLine($"acquired abandoned={g.WasAbandoned}");
                g.Dispose();
            }
            else
            {
                Console.WriteLine("timeout");
            }
        }
        catch (Exception e)
        {
            Console.WriteLine($"error {e.GetType().Name}: {e.Message}");
        }
        break;
    }
    case "try-read":
    {
        // One snapshot through a writable view with a bounded wait; prints what happened, never throws.
        using var seg = SharedSegment<TestPayload>.Open(target, options);
        try
        {
            Console.WriteLine($"read value={seg.ReadSnapshot(TimeSpan.FromMilliseconds(Arg(2))).Value}");
        }
        catch (TimeoutException)
        {
            Console.WriteLine("timeout");
        }
        break;
    }
    case "init-hang":
    {
        // Creates the segment and dies (is killed) inside its initializer, half-way through it.
        using var seg = SharedSegment<TestPayload>.Open(target, options, initializer: (ref TestPayload p) =>
        {
            p.InitToken = 666;
            Console.WriteLine("initialising");
            Thread.Sleep(Timeout.Infinite);
        });
        break;
    }
    case "init-throw":
    {
        // Creates the segment with an initializer that fails after a while; openers waiting on it must start over.
        try
        {
            using var seg = SharedSegment<TestPayload>.Open(target, options, initializer: (ref TestPayload p) =>
            {
                Console.WriteLine("initialising");
                Thread.Sleep((int)Arg(2));
                throw new InvalidOperationException("initializer failed on purpose");
            });
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"failed {e.Message}");
        }
        break;
    }
    case "init-token":
    {
        // Opens (creating if need be, with an initializer) and reports who initialised what.
        long token = Arg(2);
        using var seg = SharedSegment<TestPayload>.Open(target, options, initializer: (ref TestPayload p) => { p.InitToken = token; p.Value = 1000; });
        using var g = seg.Lock(lockTimeout);
        Console.WriteLine($"creator={seg.IsCreator} init={g.Value.InitToken} value={g.Value.Value}");
        break;
    }
    case "reader":
    {
        // A read-only reader that stays attached until told to go.
        using var seg = SharedSegment<TestPayload>.OpenReadOnly(target, options);
        Console.WriteLine($"attached value={seg.Read(lockTimeout).Value}");
        Console.ReadLine();
        Console.WriteLine($"value={seg.Read(lockTimeout).Value}");
        break;
    }
    case "chaos":
    {
        // Moves two fields together under the lock, with a pause between them, until killed. Every state this worker
        // sees is checked: Value != Shadow is only allowed in a guard that reports WasAbandoned (a killed holder's
        // half-done section); seen anywhere else it is a silent tear, and the worker says so and stops.
        using var seg = SharedSegment<TestPayload>.Open(target, options);
        Console.WriteLine("ready");
        long rounds = 0;
        while (true)
        {
            using var g = seg.Lock(lockTimeout);
            ref TestPayload p = ref g.Value;
            if (p.Value != p.Shadow)
            {
                if (!g.WasAbandoned)
                {
                    Console.WriteLine($"silent-tear value={p.Value} shadow={p.Shadow}");
                    return 3;
                }
                Console.WriteLine($"recovered value={p.Value} shadow={p.Shadow}");
                p.Shadow = p.Value; // repair: the half-done section did not happen
            }
            else if (g.WasAbandoned)
            {
                Console.WriteLine("recovered clean");
            }
            p.Value++;
            Thread.SpinWait(50 + (int)(rounds % 200));
            p.Shadow++;
            if (++rounds % 1000 == 0)
                Console.WriteLine($"rounds {rounds}");
        }
    }
    case "file-write":
    {
        var fileOptions = new SharedSegmentOptions { FilePath = target };
        using var seg = SharedSegment<TestPayload>.Open("file-backed", fileOptions);
        using (var g = seg.Lock(lockTimeout))
        {
            g.Value.Value = Arg(2);
            g.Value.Writes++;
        }
        seg.Flush();
        Console.WriteLine("flushed");
        Console.ReadLine(); // killed here
        break;
    }
    case "readonly-write":
    {
        // Opens read-only and writes through the mapping anyway: the kernel must refuse (the process dies).
        using var seg = SharedSegment<TestPayload>.OpenReadOnly(target, options);
        Console.WriteLine($"read value={seg.Read().Value}");
        Console.Out.Flush();
        unsafe
        {
            fixed (TestPayload* p = &seg.GetUnsynchronizedReference())
                p->Value = 999;
        }
        Console.WriteLine("wrote through a read-only view");
        break;
    }
    default:
        Console.Error.WriteLine($"unknown verb {verb}");
        return 2;
}
return 0;
