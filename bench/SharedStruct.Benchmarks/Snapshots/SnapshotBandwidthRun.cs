using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;

namespace SharedStruct.Benchmarks.Snapshots;

/// <summary>One size: the median bandwidth of a by-reference snapshot and of a bare Buffer.MemoryCopy of the same bytes.</summary>
internal sealed record SnapshotBandwidthResult(long SizeBytes, double MemoryCopyGBps, double SnapshotGBps, int Rounds, int CopiesPerRound)
{
    public double Ratio => SnapshotGBps / MemoryCopyGBps;
}

/// <summary>
/// <c>ReadSnapshot(ref T, timeout)</c> of large payloads against <c>Buffer.MemoryCopy</c> from the same mapped payload
/// into the same destination, in the same process and run. Rounds alternate the two (and which goes first), so drift on a
/// shared machine hits both alike; each figure is the median round. Timed with a stopwatch rather than BenchmarkDotNet: a
/// 16 MiB copy takes milliseconds, far above timer resolution, and the pairing matters more than the statistics.
/// </summary>
internal static unsafe class SnapshotBandwidthRun
{
    private const long BytesPerRound = 256L << 20;

    public static IReadOnlyList<SnapshotBandwidthResult> Run(bool isShort)
    {
        int rounds = isShort ? 7 : 21;
        return
        [
            Measure<OneMiB>(rounds),
            Measure<EightMiB>(rounds),
            Measure<SixteenMiB>(rounds),
        ];
    }

    private static SnapshotBandwidthResult Measure<T>(int rounds) where T : unmanaged
    {
        long size = sizeof(T);
        int copies = (int)Math.Max(1, BytesPerRound / size);
        string name = $"bench-snapshot-{Environment.ProcessId}-{size >> 20}mib";
        using SharedSegment<T> segment = SharedSegment<T>.Open(name);
        void* destination = NativeMemory.AlignedAlloc((nuint)size, 64);
        try
        {
            byte* payload = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref segment.GetUnsynchronizedReference());
            using (SegmentGuard<T> guard = segment.Lock(TimeSpan.FromSeconds(5)))
                new Span<byte>(payload, (int)size).Fill(0x5A);
            TimeSpan timeout = TimeSpan.FromSeconds(5);
            ref T target = ref *(T*)destination;

            double Copy()
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < copies; i++)
                    Buffer.MemoryCopy(payload, destination, size, size);
                return Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            double Snapshot(ref T into)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < copies; i++)
                    segment.ReadSnapshot(ref into, timeout);
                return Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            // Warm-up: page in the destination and let the JIT reach its final code.
            Copy();
            Snapshot(ref target);

            var copyTimes = new List<double>();
            var snapshotTimes = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                if (round % 2 == 0)
                {
                    copyTimes.Add(Copy());
                    snapshotTimes.Add(Snapshot(ref target));
                }
                else
                {
                    snapshotTimes.Add(Snapshot(ref target));
                    copyTimes.Add(Copy());
                }
            }
            double bytes = (double)size * copies;
            return new SnapshotBandwidthResult(size, bytes / Median(copyTimes) / 1e9, bytes / Median(snapshotTimes) / 1e9, rounds, copies);
        }
        finally
        {
            NativeMemory.AlignedFree(destination);
            segment.Delete();
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    private struct OneMiB
    {
        public fixed byte Bytes[1 << 20];
    }

    private struct EightMiB
    {
        public fixed byte Bytes[8 << 20];
    }

    private struct SixteenMiB
    {
        public fixed byte Bytes[16 << 20];
    }
}
