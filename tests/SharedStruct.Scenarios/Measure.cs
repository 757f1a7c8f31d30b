using System;
using System.Diagnostics;
using System.Threading;

namespace SharedStruct.Scenarios;

/// <summary>
/// A quick Stopwatch harness: uncontended Lock+Dispose against a bare CAS acquire/release pair on the same kind of
/// memory and against a named Mutex, in one run. The full suite with BenchmarkDotNet lives in bench/.
/// </summary>
internal static unsafe class Measure
{
    public static void Run(string name, SharedSegmentOptions options, long iterations)
    {
        using var seg = SharedSegment<TestPayload>.Open(name, options);
        try
        {
            long* word = (long*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref seg.GetUnsynchronizedReference().Writes);
            using var mutex = new Mutex(false, "sst-measure-" + Environment.ProcessId);
            for (int round = 0; round < 3; round++)
            {
                double cas = Time(iterations, () =>
                {
                    for (long i = 0; i < iterations; i++)
                    {
                        while (Interlocked.CompareExchange(ref *word, 1, 0) != 0) { }
                        Volatile.Write(ref *word, 0);
                    }
                });
                double ours = Time(iterations, () =>
                {
                    for (long i = 0; i < iterations; i++)
                    {
                        using var g = seg.Lock(TimeSpan.FromSeconds(1));
                    }
                });
                long mutexIterations = Math.Max(1, iterations / 50);
                double named = Time(mutexIterations, () =>
                {
                    for (long i = 0; i < mutexIterations; i++)
                    {
                        mutex.WaitOne(1000);
                        mutex.ReleaseMutex();
                    }
                });
                Console.WriteLine($"round {round}: bare CAS pair {cas:F2} ns, SharedStruct Lock+Dispose {ours:F2} ns ({ours / cas:F2}x CAS), named Mutex {named:F1} ns ({named / ours:F0}x slower than Lock)");
            }
        }
        finally
        {
            seg.Delete();
        }
    }

    private static double Time(long iterations, Action body)
    {
        body(); // warm up (JIT tiering)
        var sw = Stopwatch.StartNew();
        body();
        return sw.Elapsed.TotalNanoseconds / iterations;
    }
}
