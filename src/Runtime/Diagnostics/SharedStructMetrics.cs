using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Locking;

namespace SharedStruct.Diagnostics;

/// <summary>
/// The instruments of the <c>SharedStruct</c> meter. The <c>sharedstruct.segment.*</c> instruments read the segment-wide
/// statistics in each open segment's header (so they count every process's use of the segment, and survive processes);
/// <c>sharedstruct.lock.*</c> and <c>sharedstruct.snapshot.*</c> are recorded by this process, on slow paths only, and
/// <c>sharedstruct.view.count</c> counts this process's open views. Every measurement is tagged with the segment's name
/// alone (<see cref="SegmentTag"/>).
/// </summary>
/// <remarks>
/// Listen with <c>dotnet-counters monitor --counters SharedStruct -p &lt;pid&gt;</c>, an OpenTelemetry
/// <c>AddMeter("SharedStruct")</c>, or a <see cref="MeterListener"/>. Segments opened with
/// <see cref="SharedSegmentOptions.MeterFactory"/> report on that factory's meter instead of the process-wide one.
/// </remarks>
public static class SharedStructMetrics
{
    /// <summary>The meter's name: <c>SharedStruct</c>.</summary>
    public const string MeterName = "SharedStruct";

    /// <summary>The one tag every measurement carries: the segment's name.</summary>
    public const string SegmentTag = InstrumentNames.SegmentNameTag;

    /// <summary>
    /// The meter's version: the runtime assembly's informational version without its <c>+</c> source-revision suffix,
    /// which is the SharedStruct package version (<c>0.1.0</c>, say, where the assembly version reads <c>0.1.0.0</c>).
    /// </summary>
    public static string Version { get; } =
        typeof(SharedStructMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(SharedStructMetrics).Assembly.GetName().Version?.ToString() ?? "0";

    private static SegmentMeters? s_default;
    private static readonly ConditionalWeakTable<IMeterFactory, SegmentMeters> s_byFactory = new();

    /// <summary>The instruments a segment opened with <paramref name="factory"/> (null: the process-wide meter) reports on.</summary>
    internal static SegmentMeters For(IMeterFactory? factory)
    {
        if (factory is null)
        {
            SegmentMeters? meters = Volatile.Read(ref s_default);
            if (meters is not null)
                return meters;
            var created = new SegmentMeters(new Meter(MeterName, Version));
            return Interlocked.CompareExchange(ref s_default, created, null) ?? created;
        }
        lock (s_byFactory)
        {
            if (!s_byFactory.TryGetValue(factory, out SegmentMeters? meters))
            {
                // The factory owns the meter (and caches it by name and version): it is disposed with the container.
                meters = new SegmentMeters(factory.Create(new MeterOptions(MeterName) { Version = Version }));
                s_byFactory.Add(factory, meters);
            }
            return meters;
        }
    }
}

/// <summary>Reads one statistic from a segment header.</summary>
internal unsafe delegate long HeaderStatistic(SegmentHeader* header);

/// <summary>One meter's instruments and the segments that report on it.</summary>
internal sealed unsafe class SegmentMeters
{
    private readonly List<WeakReference<SegmentCore>> _segments = new();
    private readonly Histogram<double> _waits;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _recoveries;
    private readonly Counter<long> _retries;

    public SegmentMeters(Meter meter)
    {
        Meter = meter;
        meter.CreateObservableCounter(InstrumentNames.SegmentLockAcquisitions, () => Observe(h => (long)Volatile.Read(ref h->Acquisitions)),
            "{acquisition}", "Lock acquisitions of the segment, by every process (from its header).");
        meter.CreateObservableCounter(InstrumentNames.SegmentLockContendedAcquisitions, () => Observe(h => (long)Volatile.Read(ref h->ContendedAcquisitions)),
            "{acquisition}", "Lock acquisitions that had to wait, by every process (from its header).");
        meter.CreateObservableCounter(InstrumentNames.SegmentLockWaitTime, () => ObserveSeconds(h => (long)Volatile.Read(ref h->WaitNanosecondsTotal)),
            "s", "Total time contended acquisitions waited for the lock, in every process (from its header).");
        meter.CreateObservableGauge(InstrumentNames.SegmentLockWaitMax, () => ObserveSeconds(h => (long)Volatile.Read(ref h->WaitNanosecondsMax)),
            "s", "The longest wait of a contended acquisition so far, in any process (from its header).");
        meter.CreateObservableCounter(InstrumentNames.SegmentLockTimeouts, () => Observe(h => (long)Volatile.Read(ref h->Timeouts)),
            "{timeout}", "Lock waits that timed out, in every process (from its header).");
        meter.CreateObservableCounter(InstrumentNames.SegmentLockRecoveries, () => Observe(h => (long)Volatile.Read(ref h->AbandonCount)),
            "{recovery}", "Locks taken over from a holder that died, by every process (from its header).");
        meter.CreateObservableCounter(InstrumentNames.SegmentSnapshotRetries, () => Observe(h => (long)Volatile.Read(ref h->SnapshotRetries)),
            "{retry}", "Lock-free snapshot reads that had to try again, by every process's writable views (from its header).");
        meter.CreateObservableUpDownCounter(InstrumentNames.ViewCount, ObserveOpen,
            "{view}", "Views of the segment (segment objects) this process has open.");
        _waits = meter.CreateHistogram<double>(InstrumentNames.LockWaitDuration, "s",
            "How long this process's contended acquisitions waited for the lock (recorded on the slow path only).");
        _timeouts = meter.CreateCounter<long>(InstrumentNames.LockTimeouts, "{timeout}", "This process's lock waits that timed out.");
        _recoveries = meter.CreateCounter<long>(InstrumentNames.LockRecoveries, "{recovery}", "Locks this process took over from a holder that died.");
        _retries = meter.CreateCounter<long>(InstrumentNames.SnapshotRetries, "{retry}", "This process's snapshot reads that had to try again.");
    }

    public Meter Meter { get; }

    public void Add(SegmentCore segment)
    {
        lock (_segments)
            _segments.Add(new WeakReference<SegmentCore>(segment));
    }

    public void Remove(SegmentCore segment)
    {
        lock (_segments)
            _segments.RemoveAll(w => !w.TryGetTarget(out SegmentCore? s) || s == segment);
    }

    public void Waited(SegmentCore segment, double seconds)
    {
        if (_waits.Enabled)
            _waits.Record(seconds, Tag(segment));
    }

    public void TimedOut(SegmentCore segment) => _timeouts.Add(1, Tag(segment));

    public void Recovered(SegmentCore segment) => _recoveries.Add(1, Tag(segment));

    public void SnapshotRetried(SegmentCore segment)
    {
        if (_retries.Enabled)
            _retries.Add(1, Tag(segment));
    }

    private static KeyValuePair<string, object?> Tag(SegmentCore segment) => new(SharedStructMetrics.SegmentTag, segment.Name);


    /// <summary>One measurement per segment name (two objects of one segment would report the same header twice).</summary>
    private List<Measurement<long>> Observe(HeaderStatistic read)
    {
        var measurements = new List<Measurement<long>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SegmentCore segment in Alive())
        {
            if (!seen.Add(segment.Name))
                continue;
            if (segment.TryReadStatistic(read, out long value))
                measurements.Add(new Measurement<long>(value, Tag(segment)));
        }
        return measurements;
    }

    private List<Measurement<double>> ObserveSeconds(HeaderStatistic read)
    {
        var measurements = new List<Measurement<double>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SegmentCore segment in Alive())
        {
            if (!seen.Add(segment.Name))
                continue;
            if (segment.TryReadStatistic(read, out long nanoseconds))
                measurements.Add(new Measurement<double>(nanoseconds / 1e9, Tag(segment)));
        }
        return measurements;
    }

    private List<Measurement<int>> ObserveOpen()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (SegmentCore segment in Alive())
            counts[segment.Name] = counts.TryGetValue(segment.Name, out int n) ? n + 1 : 1;
        var measurements = new List<Measurement<int>>(counts.Count);
        foreach (KeyValuePair<string, int> pair in counts)
            measurements.Add(new Measurement<int>(pair.Value, new KeyValuePair<string, object?>(SharedStructMetrics.SegmentTag, pair.Key)));
        return measurements;
    }

    private List<SegmentCore> Alive()
    {
        var alive = new List<SegmentCore>();
        lock (_segments)
        {
            _segments.RemoveAll(w => !w.TryGetTarget(out _));
            foreach (WeakReference<SegmentCore> w in _segments)
            {
                if (w.TryGetTarget(out SegmentCore? s))
                    alive.Add(s);
            }
        }
        return alive;
    }
}
