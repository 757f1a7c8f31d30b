using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SharedStruct.Benchmarks.Baselines;

namespace SharedStruct.Benchmarks.Watching;

/// <summary>One wake-latency run: two peer processes answering each other's changes, one-way latency percentiles.</summary>
internal sealed record WakeLatencyResult(string Method, int Rounds, int Samples, double P50Ns, double P99Ns, string? Failure)
{
    public bool Finished => Failure is null;
}

/// <summary>
/// Cross-process wake latency as a ping-pong between two real processes: peer a changes its outbox, peer b wakes from
/// its wait, answers through its own outbox, and so on. Every message carries the sender's timestamp taken just
/// before the change (Stopwatch is CLOCK_MONOTONIC, one clock for every process on the machine), so each side
/// measures the one-way latency itself: from "the writer starts its change" to "the waiter is back from its wait".
/// Both peers are pinned to one processor, so every method's wake is the same kind of event (see <see cref="Peer"/>).
/// </summary>
internal static unsafe class WakeLatencyRun
{
    public const string SharedStructMethod = "SharedStruct WaitForChange";
    public const string FutexMethod = "raw futex wait/wake";
    public const string PollingMethod = "1 ms polling";

    private const string SharedStructKey = "sharedstruct";
    private const string FutexKey = "futex";
    private const string PollingKey = "poll";
    private const int MappingSize = 128;
    private const int DirectionStride = 64; // each direction's word and timestamp on their own cache line
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Measures every method <paramref name="repeats"/> times, interleaved (a, b, c, a, b, c, ...), so a change in the
    /// machine's load during the run falls on every method alike; each method's percentiles are over all its samples.
    /// </summary>
    public static List<WakeLatencyResult> RunInterleaved(IReadOnlyList<(string Method, int Rounds)> methods, int repeats)
    {
        var samples = methods.Select(_ => new List<double>()).ToArray();
        var failures = new string?[methods.Count];
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            for (int i = 0; i < methods.Count; i++)
            {
                if (failures[i] is not null)
                    continue;
                try
                {
                    failures[i] = Measure(methods[i].Method, Math.Max(10, methods[i].Rounds / repeats), samples[i]);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
                {
                    failures[i] = e.Message;
                }
            }
        }
        var results = new List<WakeLatencyResult>();
        for (int i = 0; i < methods.Count; i++)
        {
            samples[i].Sort();
            int rounds = Math.Max(10, methods[i].Rounds / repeats) * repeats;
            results.Add(failures[i] is null
                ? new WakeLatencyResult(methods[i].Method, rounds, samples[i].Count, Percentile(samples[i], 50), Percentile(samples[i], 99), null)
                : new WakeLatencyResult(methods[i].Method, rounds, 0, double.NaN, double.NaN, failures[i]));
        }
        return results;
    }

    /// <summary>One ping-pong of <paramref name="rounds"/> round trips; adds its one-way samples (ns), returns a failure or null.</summary>
    private static string? Measure(string method, int rounds, List<double> samples)
    {
        string key = method switch
        {
            SharedStructMethod => SharedStructKey,
            FutexMethod => FutexKey,
            PollingMethod => PollingKey,
            _ => throw new ArgumentException("unknown method " + method, nameof(method)),
        };
        string nameAb = $"bench-wake{Environment.ProcessId}-ab", nameBa = $"bench-wake{Environment.ProcessId}-ba";
        string futexPath = $"/dev/shm/sharedstruct-bench-futex.{Environment.ProcessId}";
        SharedSegment<BenchPayload>? ab = null, ba = null;
        var peers = new List<BenchChild>();
        try
        {
            string first, second;
            if (key == SharedStructKey)
            {
                ab = SharedSegment<BenchPayload>.Open(nameAb);
                ba = SharedSegment<BenchPayload>.Open(nameBa);
                (first, second) = (nameAb, nameBa);
            }
            else
            {
                RawFutex.Unmap(RawFutex.Map(futexPath, MappingSize), MappingSize); // created zeroed here, deleted in finally
                (first, second) = (futexPath, "-");
            }
            string count = rounds.ToString(CultureInfo.InvariantCulture);
            peers.Add(BenchChild.Start("wake-peer", key, "b", first, second, count));
            peers.Add(BenchChild.Start("wake-peer", key, "a", first, second, count));
            foreach (BenchChild p in peers)
                p.Expect("ready", TimeSpan.FromSeconds(60));
            foreach (BenchChild p in peers)
                p.Send("go");
            // Polling rounds take a few ms each; the others microseconds.
            TimeSpan cap = TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(rounds * (key == PollingKey ? 10.0 : 0.5));
            var sw = Stopwatch.StartNew();
            var lines = new List<string>();
            foreach (BenchChild p in peers)
            {
                TimeSpan left = cap - sw.Elapsed;
                string? line = left > TimeSpan.Zero ? p.ReadLine(left) : null;
                if (line is null || !line.StartsWith("done", StringComparison.Ordinal))
                    return line ?? $"no answer within {cap.TotalSeconds:F0} s";
                lines.Add(line);
            }
            foreach (string line in lines)
                samples.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(s => double.Parse(s, CultureInfo.InvariantCulture)));
            return null;
        }
        finally
        {
            BenchChild.DisposeAll(peers);
            ab?.Delete();
            ab?.Dispose();
            ba?.Delete();
            ba?.Dispose();
            File.Delete(futexPath);
        }
    }

    internal static double Percentile(List<double> sorted, int percent) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, sorted.Count * percent / 100)];

    /// <summary>The peer side: <c>wake-peer KEY ROLE FIRST SECOND ROUNDS</c>; a sends first, b answers.</summary>
    public static int Peer(string key, string role, string first, string second, int rounds)
    {
        bool isA = role == "a";
        using IChannel channel = key switch
        {
            SharedStructKey => new SegmentChannel(isA ? first : second, isA ? second : first),
            FutexKey => new WordChannel(first, isA, futex: true),
            PollingKey => new WordChannel(first, isA, futex: false),
            _ => throw new ArgumentException("unknown method " + key, nameof(key)),
        };
        // Both peers on one processor, for every method alike. Left to the scheduler (or pinned to two processors), a
        // wake's cost on this VM depended on whether the other processor had gone idle and been halted by the
        // hypervisor: about 1 us when it had not and 11 us when it had, so one run measured 9.25x the raw futex and
        // the next 0.97x with the same code. On one processor every wake is a context switch, and the ratio compares
        // the methods (1.02x, 1.03x, 1.07x in three runs).
        CpuAffinity.PinCurrentThread(0);
        var latencies = new long[rounds];
        Console.WriteLine("ready");
        if (Console.ReadLine() != "go")
            return 1;
        BenchChild.ExitWhenParentGoes();
        for (int i = 0; i < rounds; i++)
        {
            if (isA)
            {
                channel.Send();
                latencies[i] = channel.Receive();
            }
            else
            {
                latencies[i] = channel.Receive();
                channel.Send();
            }
        }
        // The first tenth warms caches, page tables and the scheduler's idea of these processes; it is not reported.
        double toNs = 1e9 / Stopwatch.Frequency;
        var line = new System.Text.StringBuilder("done");
        for (int i = rounds / 10; i < rounds; i++)
            line.Append(' ').Append(((long)(latencies[i] * toNs)).ToString(CultureInfo.InvariantCulture));
        Console.WriteLine(line.ToString());
        return 0;
    }

    private interface IChannel : IDisposable
    {
        void Send();

        /// <summary>Waits for the next message; returns its one-way latency in Stopwatch ticks.</summary>
        long Receive();
    }

    /// <summary>What a SharedStruct user writes: Lock + write + Dispose to send, WaitForChange to receive.</summary>
    private sealed class SegmentChannel : IChannel
    {
        private static readonly SharedSegmentOptions Existing = new() { Mode = SegmentOpenMode.OpenExisting };
        private readonly SharedSegment<BenchPayload> _outbox, _inbox;
        private ulong _seen;

        public SegmentChannel(string outbox, string inbox)
        {
            _outbox = SharedSegment<BenchPayload>.Open(outbox, Existing);
            _inbox = SharedSegment<BenchPayload>.Open(inbox, Existing);
            _seen = _inbox.Version;
            // Registers as a watcher now, so the first measured wait does not pay for it.
            _inbox.WaitForChange(_seen, TimeSpan.FromMilliseconds(1));
        }

        public void Send()
        {
            long now = Stopwatch.GetTimestamp();
            using var guard = _outbox.Lock(ReceiveTimeout);
            guard.Value.Other = now;
            guard.Value.Hits++;
        }

        public long Receive()
        {
            if (!_inbox.WaitForChange(_seen, ReceiveTimeout))
                throw new TimeoutException("no change within " + ReceiveTimeout);
            long now = Stopwatch.GetTimestamp();
            // The other peer sends again only after this one answered, so nothing can move the version meanwhile.
            _seen = _inbox.Version;
            return now - Volatile.Read(ref _inbox.GetUnsynchronizedReference().Other);
        }

        public void Dispose()
        {
            _outbox.Dispose();
            _inbox.Dispose();
        }
    }

    /// <summary>A counter word and a timestamp per direction in a raw /dev/shm mapping: futex wait/wake, or sleep-polling.</summary>
    private sealed class WordChannel : IChannel
    {
        private readonly byte* _mapping;
        private readonly uint* _outWord, _inWord;
        private readonly long* _outStamp, _inStamp;
        private readonly bool _futex;
        private uint _seen;

        public WordChannel(string path, bool isA, bool futex)
        {
            _mapping = RawFutex.Map(path, MappingSize);
            byte* outbox = _mapping + (isA ? 0 : DirectionStride), inbox = _mapping + (isA ? DirectionStride : 0);
            _outWord = (uint*)outbox;
            _outStamp = (long*)(outbox + 8);
            _inWord = (uint*)inbox;
            _inStamp = (long*)(inbox + 8);
            _futex = futex;
            _seen = Volatile.Read(ref *_inWord);
        }

        public void Send()
        {
            long now = Stopwatch.GetTimestamp();
            Volatile.Write(ref *_outStamp, now);
            Interlocked.Increment(ref *_outWord);
            if (_futex)
                RawFutex.WakeAll(_outWord);
        }

        public long Receive()
        {
            long deadline = Stopwatch.GetTimestamp() + (long)(ReceiveTimeout.TotalSeconds * Stopwatch.Frequency);
            uint current;
            while ((current = Volatile.Read(ref *_inWord)) == _seen)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                    throw new TimeoutException("no change within " + ReceiveTimeout);
                if (_futex)
                    RawFutex.Wait(_inWord, _seen, (int)ReceiveTimeout.TotalMilliseconds);
                else
                    Thread.Sleep(1);
            }
            long now = Stopwatch.GetTimestamp();
            _seen = current;
            return now - Volatile.Read(ref *_inStamp);
        }

        public void Dispose() => RawFutex.Unmap(_mapping, MappingSize);
    }
}
