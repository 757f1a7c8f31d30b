using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using SharedStruct;
using SharedStruct.EndToEnd;

// A child process for the generator's end-to-end tests. Every command opens the generated CounterSegment in the
// directory given as the second argument (each test uses its own directory, so tests never share a segment).
//   set <dir> <hits> <note>          writes every field through the generated guarded properties
//   get <dir>                        prints them: hits|note|data|x,y|state|flags
//   lock-inc <dir> <n> <parties>     waits for all parties, then n increments of Hits under Lock()
//   add <dir> <n> <parties>          waits for all parties, then n lock-free AddAtomic(1)
//   prop-inc <dir> <n>               n increments of Flags through the guarded getter and setter
//   init <dir> <hits>                opens with an initializer setting Hits and State; prints created|opened, ran|skipped
//   create <dir> <hits> struct|wrapper   CreateNew with the same initializer, through Counter or CounterSegment;
//                                    prints created|ran, or when it exists refused <exception type>|ran|skipped
//                                    and the exception's message on a second line
//   update <dir> <note>              one Update: SetNote, Hits++, DataSpan[i] = i*3; prints the Read of the same fields
//   view <dir>                       the read-only view: typed getters and a Read; prints note|hits|data
//   frame-write <dir> <seq>          opens the 8 MiB Frame, fills it in one Update (on a thread with a 256 KiB stack)
//   frame-read <dir>                 snapshots the Frame by reference, writable and read-only (same small stack); prints seq|ok
//   frame-by-value <dir>             the runtime's by-value ReadSnapshot of the Frame on the same stack: overflows it
//   core-set <dir>                   writes one value of each core-library type (DateTime, Guid, Vector3, ...) to CoreValues
//   core-get <dir>                   prints them as read back through the generated properties
//   ledger-add <dir> <n>             n AddA(1) on the crash-atomic Ledger; prints the mode the segment has
//   ledger-held <dir>                AddA(1) on another thread while this one holds the lock: prints whether it waited
//   ledger-read <dir>                the read-only view's A|B
//   counter-rollback <dir>           the default-mode Counter opened with options asking for RollbackOnCrash
//   watch-atomic, watch-add, watch-add-silent, watch-exchange, watch-cas
//                                    change notification of generated lock-free writes (see WatchCommands)
//   cancel-hold, cancel-lock         cancellation of the generated Lock and TryLock waits (see CancelCommands)
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: <command> <directory> [arguments]");
    return 2;
}

var options = new SharedSegmentOptions { Directory = args[1] };
if (args[0].StartsWith("frame-", StringComparison.Ordinal))
    return FrameCommands.Run(args, options);
if (args[0].StartsWith("watch-", StringComparison.Ordinal))
    return WatchCommands.Run(args, options);
if (args[0].StartsWith("cancel-", StringComparison.Ordinal))
    return CancelCommands.Run(args, options);
if (args[0].StartsWith("core-", StringComparison.Ordinal))
    return CoreValueCommands.Run(args, options);
if (args[0].StartsWith("ledger-", StringComparison.Ordinal) || args[0] == "counter-rollback")
    return LedgerCommands(args, options);
if (args[0] == "view")
{
    using CounterReadOnlySegment view = Counter.OpenReadOnly(options);
    Span<byte> bytes = stackalloc byte[16];
    view.ReadData(bytes);
    string fromRead = view.Read(static (in Counter c) => c.GetNote() + "/" + c.Hits.ToString(CultureInfo.InvariantCulture));
    Console.WriteLine(view.Note + "|" + view.Hits.ToString(CultureInfo.InvariantCulture) + "|" + Convert.ToHexString(bytes) + "|" + fromRead);
    return 0;
}
if (args[0] == "create")
    return CreateNew(args, options);
bool initializerRan = false;
using CounterSegment segment = args[0] == "init"
    ? Counter.Open(options, (ref Counter value) =>
    {
        value.Hits = long.Parse(args[2], CultureInfo.InvariantCulture);
        value.State = Mode.Busy;
        initializerRan = true;
    })
    : Counter.Open(options);
switch (args[0])
{
    case "init":
        Console.WriteLine((segment.IsCreator ? "created" : "opened") + "|" + (initializerRan ? "ran" : "skipped"));
        return 0;
    case "update":
    {
        bool abandoned = segment.Update(static (ref Counter c, string note) =>
        {
            c.SetNote(note);
            c.Hits++;
            Span<byte> data = c.DataSpan;
            for (int i = 0; i < data.Length; i++)
                data[i] = (byte)(i * 3);
        }, args[2], TimeSpan.FromSeconds(10));
        Console.WriteLine(segment.Read(static (in Counter c, bool a) =>
            c.GetNote() + "|" + c.Hits.ToString(CultureInfo.InvariantCulture) + "|" + c.DataReadOnlySpan[5].ToString(CultureInfo.InvariantCulture) + "|" + a, abandoned));
        return 0;
    }
    case "set":
    {
        segment.Hits = long.Parse(args[2], CultureInfo.InvariantCulture);
        segment.Note = args[3];
        byte[] data = new byte[16];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)(i + 1);
        segment.WriteData(data);
        segment.Position = new Point { X = 1.5f, Y = -2.25f };
        segment.State = Mode.Busy;
        Console.WriteLine(segment.IsCreator ? "created" : "opened");
        return 0;
    }
    case "get":
    {
        Span<byte> data = stackalloc byte[16];
        segment.ReadData(data);
        Point p = segment.Position;
        Console.WriteLine(string.Join("|",
            segment.Hits.ToString(CultureInfo.InvariantCulture),
            segment.Note,
            Convert.ToHexString(data),
            p.X.ToString(CultureInfo.InvariantCulture) + "," + p.Y.ToString(CultureInfo.InvariantCulture),
            segment.State.ToString(),
            segment.Flags.ToString(CultureInfo.InvariantCulture),
            segment.Atomic.ToString(CultureInfo.InvariantCulture)));
        return 0;
    }
    case "lock-inc":
    {
        int n = int.Parse(args[2], CultureInfo.InvariantCulture);
        WaitForParties(segment, int.Parse(args[3], CultureInfo.InvariantCulture));
        for (int i = 0; i < n; i++)
        {
            using var guard = segment.Lock();
            guard.Value.Hits++;
        }
        Console.WriteLine("done");
        return 0;
    }
    case "add":
    {
        int n = int.Parse(args[2], CultureInfo.InvariantCulture);
        WaitForParties(segment, int.Parse(args[3], CultureInfo.InvariantCulture));
        for (int i = 0; i < n; i++)
            segment.AddAtomic(1);
        Console.WriteLine("done");
        return 0;
    }
    case "prop-inc":
    {
        int n = int.Parse(args[2], CultureInfo.InvariantCulture);
        for (int i = 0; i < n; i++)
            segment.Flags = segment.Flags + 1;
        Console.WriteLine("done");
        return 0;
    }
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

static int CreateNew(string[] args, SharedSegmentOptions options)
{
    bool initializerRan = false;
    SegmentInitializer<Counter> initializer = (ref Counter value) =>
    {
        value.Hits = long.Parse(args[2], CultureInfo.InvariantCulture);
        value.State = Mode.Busy;
        initializerRan = true;
    };
    try
    {
        using CounterSegment segment = args[3] == "struct"
            ? Counter.CreateNew(options, initializer)
            : CounterSegment.CreateNew(options, initializer);
        Console.WriteLine((segment.IsCreator ? "created" : "opened") + "|" + (initializerRan ? "ran" : "skipped"));
    }
    catch (Exception e)
    {
        Console.WriteLine("refused " + e.GetType().FullName + "|" + (initializerRan ? "ran" : "skipped"));
        Console.WriteLine(e.Message);
    }
    return 0;
}

// A start barrier in the segment itself, so the parties really overlap instead of running one after another.
static void WaitForParties(CounterSegment segment, int parties)
{
    segment.AddReady(1);
    var clock = Stopwatch.StartNew();
    while (segment.CompareExchangeReady(0, 0) < parties)
    {
        if (clock.Elapsed > TimeSpan.FromSeconds(150)) // under the RunAsync bound (3 min); process starts are slow on a loaded 2-core machine
            throw new TimeoutException("The other parties never arrived.");
        Thread.Sleep(1);
    }
}

static int LedgerCommands(string[] args, SharedSegmentOptions options)
{
    switch (args[0])
    {
        case "ledger-add":
        {
            using LedgerSegment ledger = Ledger.Open(options);
            int n = int.Parse(args[2], CultureInfo.InvariantCulture);
            for (int i = 0; i < n; i++)
                ledger.AddA(1);
            Console.WriteLine("rollback=" + ledger.Segment.RollbackOnCrash);
            return 0;
        }
        case "ledger-held":
        {
            using LedgerSegment ledger = Ledger.Open(options);
            long result = 0;
            var adder = new Thread(() => result = ledger.AddA(1));
            bool finishedWhileHeld;
            using (var guard = ledger.Lock())
            {
                guard.Value.B = guard.Value.A;
                adder.Start();
                finishedWhileHeld = adder.Join(300);
            }
            adder.Join();
            Console.WriteLine($"waited={!finishedWhileHeld} result={result}");
            return 0;
        }
        case "ledger-read":
        {
            using LedgerReadOnlySegment view = Ledger.OpenReadOnly(options);
            Console.WriteLine(view.A.ToString(CultureInfo.InvariantCulture) + "|" + view.B.ToString(CultureInfo.InvariantCulture));
            return 0;
        }
        case "counter-rollback":
        {
            try
            {
                using CounterSegment counter = Counter.Open(new SharedSegmentOptions { Directory = options.Directory, RollbackOnCrash = true });
                Console.WriteLine("opened");
            }
            catch (ArgumentException e)
            {
                Console.WriteLine("refused " + e.Message);
            }
            return 0;
        }
        default:
            Console.Error.WriteLine($"unknown command {args[0]}");
            return 2;
    }
}
