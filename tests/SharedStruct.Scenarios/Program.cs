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
