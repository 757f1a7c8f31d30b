using System;
using System.Globalization;
using System.Threading;
using SharedStruct;
using SharedStruct.EndToEnd;

/// <summary>
/// Change notification through the generated API:
///   watch-atomic &lt;dir&gt; &lt;timeout ms&gt;   a read-only view registers as a watcher, prints "ready", then waits for one change
///                                   and prints "changed atomic=N" or "timeout atomic=N"
///   watch-add &lt;dir&gt;                  one generated AddAtomic(1)
///   watch-add-disposed &lt;dir&gt;         AddAtomic(1) on a disposed wrapper: prints the exception's type
///   watch-add-silent &lt;dir&gt;           the same increment through the unsynchronized reference, telling nobody (a twin
///                                   that proves the watcher's test can fail)
///   watch-exchange &lt;dir&gt; &lt;value&gt;      one generated ExchangeAtomic(value); prints "original=N"
///   watch-cas &lt;dir&gt; &lt;value&gt; &lt;comparand&gt;
///                                   one generated CompareExchangeAtomic(value, comparand); prints "original=N" (equal
///                                   to the comparand when it exchanged)
/// </summary>
internal static class WatchCommands
{
    public static int Run(string[] args, SharedSegmentOptions options)
    {
        switch (args[0])
        {
            case "watch-atomic":
            {
                using CounterReadOnlySegment view = Counter.OpenReadOnly(options);
                // The first wait registers the view as a watcher; a lock-free write counts as a change only for
                // registered watchers, so "ready" must come after it.
                view.WaitForChange(view.Version, TimeSpan.FromMilliseconds(1));
                ulong version = view.Version;
                Console.WriteLine("ready");
                bool changed = view.WaitForChange(version, TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture)));
                Console.WriteLine((changed ? "changed" : "timeout") + " atomic=" + view.Atomic.ToString(CultureInfo.InvariantCulture));
                return 0;
            }
            case "watch-add":
            {
                using CounterSegment segment = Counter.OpenExisting(options);
                segment.AddAtomic(1);
                return 0;
            }
            case "watch-add-disposed":
            {
                CounterSegment segment = Counter.OpenExisting(options);
                segment.Dispose();
                try
                {
                    segment.AddAtomic(1);
                    Console.WriteLine("added");
                }
                catch (Exception e)
                {
                    Console.WriteLine(e.GetType().FullName);
                }
                return 0;
            }
            case "watch-add-silent":
            {
                using CounterSegment segment = Counter.OpenExisting(options);
                Interlocked.Increment(ref segment.Segment.GetUnsynchronizedReference().Atomic);
                return 0;
            }
            case "watch-exchange":
            {
                using CounterSegment segment = Counter.OpenExisting(options);
                long original = segment.ExchangeAtomic(Number(args[2]));
                Console.WriteLine("original=" + original.ToString(CultureInfo.InvariantCulture));
                return 0;
            }
            case "watch-cas":
            {
                using CounterSegment segment = Counter.OpenExisting(options);
                long original = segment.CompareExchangeAtomic(Number(args[2]), Number(args[3]));
                Console.WriteLine("original=" + original.ToString(CultureInfo.InvariantCulture));
                return 0;
            }
            default:
                Console.Error.WriteLine("unknown command " + args[0]);
                return 2;
        }
    }

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
