using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using SharedStruct.Diagnostics;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Segment statistics: counted in the header by every process (so they add up across processes and outlive them), and
/// reported through the <c>SharedStruct</c> meter. Contention, timeouts and recoveries come from real child processes.
/// </summary>
[Collection(ProcessCollection.Name)]
public class StatisticsTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Acquisitions_contention_timeouts_and_recoveries_of_every_process_add_up_in_the_header_and_outlive_them()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        SegmentStatistics before = Info(t).Statistics;
        Assert.Equal(0UL, before.Acquisitions);
        Assert.Equal(0UL, before.ContendedAcquisitions);

        // Two children increment 2000 times each under the lock and exit.
        var workers = new[] { ChildProcess.Start(["increment", t.Name, "2000"]), ChildProcess.Start(["increment", t.Name, "2000"]) };
        try
        {
            foreach (ChildProcess w in workers)
                w.Expect("ready");
            foreach (ChildProcess w in workers)
                w.Send("go");
            foreach (ChildProcess w in workers)
            {
                Assert.Equal("done abandoned=0", w.ReadLine());
                Assert.Equal(0, w.WaitForExit());
            }
        }
        finally
        {
            foreach (ChildProcess w in workers)
                w.Dispose();
        }
        Assert.Equal(4000UL, Info(t).Statistics.Acquisitions); // counted by processes that are gone now

        // This process holds the lock while a child waits for it: one contended acquisition, whose wait shows.
        using (var waiter = ChildProcess.Start(["try-lock", t.Name, "20000"]))
        {
            using (seg.Lock(Second))
            {
                waiter.Expect("ready");
                Thread.Sleep(300);
            }
            Assert.Equal("acquired abandoned=False", waiter.ReadLine());
        }
        SegmentStatistics contended = Info(t).Statistics;
        Assert.Equal(4002UL, contended.Acquisitions);
        Assert.True(contended.ContendedAcquisitions >= 1, "the child's wait was not counted as contended");
        Assert.True(contended.MaxWait >= TimeSpan.FromMilliseconds(100), $"the longest wait is {contended.MaxWait}, yet the child waited while this process slept 300 ms holding the lock");
        Assert.True(contended.TotalWait >= contended.MaxWait);
        Assert.Equal(0UL, contended.Timeouts);

        // A child that gives up: one timeout.
        using (seg.Lock(Second))
        {
            using var impatient = ChildProcess.Start(["try-lock", t.Name, "50"]);
            impatient.Expect("ready");
            Assert.Equal("timeout", impatient.ReadLine());
        }
        Assert.Equal(1UL, Info(t).Statistics.Timeouts);

        // A holder killed with the lock: one recovery, with its pid and time.
        Assert.Null(Info(t).Statistics.LastRecoveryAt);
        int holderPid;
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holderPid = int.Parse(holder.Expect("locked pid=").Substring("locked pid=".Length), System.Globalization.CultureInfo.InvariantCulture);
            holder.KillHard();
        }
        using (var g = seg.Lock(TimeSpan.FromSeconds(10)))
            Assert.True(g.WasAbandoned);
        SegmentStatistics recovered = Info(t).Statistics;
        Assert.Equal(1UL, recovered.Recoveries);
        Assert.Equal(holderPid, recovered.LastRecoveredPid);
        Assert.NotNull(recovered.LastRecoveryAt);
        Assert.InRange(recovered.LastRecoveryAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void A_snapshot_that_meets_a_held_lock_counts_a_retry()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        seg.ReadSnapshot(Second);
        Assert.Equal(0UL, Info(t).Statistics.SnapshotRetries); // a free lock: the first copy holds
        using var holder = ChildProcess.Start(["hold", t.Name]);
        holder.Expect("locked pid=");
        using var recorder = new MeterRecorder(meter => meter.Name == SharedStructMetrics.MeterName);
        Assert.Throws<TimeoutException>(() => seg.ReadSnapshot(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1UL, Info(t).Statistics.SnapshotRetries); // one read that had to retry, counted once
        recorder.Collect();
        Assert.Equal(1L, recorder.Last<long>("sharedstruct.segment.snapshot.retries", t.Name)); // the header's count
        Assert.Equal([1L], recorder.All<long>("sharedstruct.snapshot.retries", t.Name)); // this process's, recorded once
        holder.Send("");
        Assert.Equal("released", holder.ReadLine());
    }

    [Fact]
    public void The_SharedStruct_meter_reports_header_statistics_and_slow_path_events_tagged_by_segment_name()
    {
        using var t = new TestSegment();
        using var recorder = new MeterRecorder(meter => meter.Name == SharedStructMetrics.MeterName && meter.Scope is null);
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        for (int i = 0; i < 5; i++)
            seg.Lock(Second).Dispose();
        using (var waiter = ChildProcess.Start(["try-lock", t.Name, "20000"]))
        {
            using (seg.Lock(Second))
            {
                waiter.Expect("ready");
                Thread.Sleep(100);
            }
            Assert.Equal("acquired abandoned=False", waiter.ReadLine());
        }
        // A timeout in this process: recorded on the spot, and counted in the header.
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked pid=");
            Assert.False(seg.TryLock(TimeSpan.FromMilliseconds(30), out _));
            holder.Send("");
            Assert.Equal("released", holder.ReadLine());
        }
        // A contended acquisition in this process: its wait goes into the histogram.
        using (var holder = ChildProcess.Start(["hold", t.Name]))
        {
            holder.Expect("locked pid=");
            var release = new TestThread(() => { Thread.Sleep(100); holder.Send(""); });
            release.Start();
            seg.Lock(TimeSpan.FromSeconds(10)).Dispose();
            release.Join();
        }

        recorder.Collect();
        SegmentStatistics header = Info(t).Statistics;
        Assert.Equal((long)header.Acquisitions, recorder.Last<long>("sharedstruct.segment.lock.acquisitions", t.Name));
        Assert.True(header.Acquisitions >= 8);
        Assert.Equal((long)header.ContendedAcquisitions, recorder.Last<long>("sharedstruct.segment.lock.contended_acquisitions", t.Name));
        Assert.True(header.ContendedAcquisitions >= 2);
        Assert.Equal(1L, recorder.Last<long>("sharedstruct.segment.lock.timeouts", t.Name));
        Assert.Equal(1L, recorder.Sum<long>("sharedstruct.lock.timeouts", t.Name));
        Assert.Equal(1, recorder.Last<int>("sharedstruct.view.count", t.Name));
        double waitTime = recorder.Last<double>("sharedstruct.segment.lock.wait.time", t.Name);
        Assert.Equal(header.TotalWait.TotalSeconds, waitTime, tolerance: 1e-6); // TimeSpan keeps 100 ns ticks, the instrument the nanoseconds
        List<double> waits = recorder.All<double>("sharedstruct.lock.wait.duration", t.Name);
        Assert.Single(waits); // only this process's one contended acquisition; the uncontended ones record nothing
        Assert.InRange(waits[0], 0.05, 30);
        double maxWait = recorder.Last<double>("sharedstruct.segment.lock.wait.max", t.Name);
        Assert.Equal(header.MaxWait.TotalSeconds, maxWait, tolerance: 1e-6);
        Assert.InRange(maxWait, waits[0] - 1e-6, waitTime + 1e-6); // at least this process's wait, at most all waits together
        Assert.All(recorder.Tags, tags => Assert.Equal(["sharedstruct.segment.name"], tags));
        Assert.Equal([ExpectedMeterVersion()], recorder.MeterVersions);
    }

    [Fact]
    public void A_meter_factory_gets_the_segments_opened_with_it_and_the_process_wide_meter_does_not()
    {
        using var t = new TestSegment();
        using var factory = new TestMeterFactory();
        using var fromFactory = new MeterRecorder(meter => factory.Created.Contains(meter));
        using var processWide = new MeterRecorder(meter => meter.Name == SharedStructMetrics.MeterName && !factory.Created.Contains(meter));
        using var seg = SharedSegment<TestPayload>.Open(t.Name, new SharedSegmentOptions { MeterFactory = factory });
        seg.Lock(Second).Dispose();

        fromFactory.Collect();
        processWide.Collect();
        Meter created = Assert.Single(factory.Created);
        Assert.Equal(SharedStructMetrics.MeterName, created.Name);
        Assert.Equal(ExpectedMeterVersion(), created.Version);
        Assert.Equal(1L, fromFactory.Last<long>("sharedstruct.segment.lock.acquisitions", t.Name));
        Assert.False(processWide.Has("sharedstruct.segment.lock.acquisitions", t.Name));

        seg.Dispose();
        fromFactory.Clear();
        fromFactory.Collect();
        Assert.False(fromFactory.Has("sharedstruct.view.count", t.Name)); // a disposed segment reports nothing
    }

    [Fact]
    public void Every_published_instrument_follows_the_naming_rules_and_the_docs_table_lists_exactly_them()
    {
        using var t = new TestSegment();
        using var factory = new TestMeterFactory();
        var published = new List<Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (factory.Created.Contains(instrument.Meter))
                {
                    lock (published)
                        published.Add(instrument);
                }
            };
            listener.Start();
            using var seg = SharedSegment<TestPayload>.Open(t.Name, new SharedSegmentOptions { MeterFactory = factory });
        }

        Assert.Equal(12, published.Count);
        Assert.Empty(NamingProblems(published.Select(i => (i.Name, i.Unit, ValueType(i))).ToList(), SharedStructMetrics.SegmentTag));
        Assert.All(published, i => Assert.False(string.IsNullOrWhiteSpace(i.Description), $"{i.Name} has no description"));

        // docs/observability.md: one row per instrument, with its kind and unit.
        string docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "observability.md"));
        var rows = Regex.Matches(docs, @"^\| `(?<name>sharedstruct\.[^`]+)` \| (?<kind>[^|]+) \| `(?<unit>[^`]+)` \|", RegexOptions.Multiline)
            .Select(m => (m.Groups["name"].Value, m.Groups["kind"].Value.Trim(), m.Groups["unit"].Value))
            .OrderBy(r => r.Item1, StringComparer.Ordinal);
        Assert.Equal(published.Select(i => (i.Name, Kind(i), i.Unit!)).OrderBy(r => r.Item1, StringComparer.Ordinal), rows);
    }

    [Fact]
    public void The_naming_rules_catch_each_name_they_forbid()
    {
        // The twin of the test above: the rules fed the names this meter once had, and a few more mistakes.
        List<string> problems = NamingProblems(
        [
            ("sharedstruct.lock.timeouts", "{timeout}", typeof(long)),
            ("sharedstruct.lock.timeouts.total", "{timeout}", typeof(long)),
            ("sharedstruct.segment.lock.acquisitions", "{acquisition}", typeof(long)),
            ("sharedstruct.Lock.Waits", "{wait}", typeof(long)),
            ("sharedstruct.lock.wait.duration", "ms", typeof(double)),
            ("sharedstruct.segment.lock.wait.time", "s", typeof(long)),
            ("sharedstruct.view.count", "", typeof(int)),
            ("sharedstruct.view.count", "{view}", typeof(int)),
        ], tag: "sharedstruct.segment");
        Assert.Equal(
        [
            "sharedstruct.Lock.Waits is not lower-case dotted snake_case under sharedstruct.",
            "sharedstruct.lock.timeouts is also the namespace of sharedstruct.lock.timeouts.total",
            "sharedstruct.lock.timeouts.total ends in total",
            "sharedstruct.lock.wait.duration has unit 'ms', not UCUM seconds or a {count} annotation",
            "sharedstruct.lock.wait.duration is a duration not in seconds",
            "sharedstruct.segment is also the namespace of sharedstruct.segment.lock.acquisitions",
            "sharedstruct.segment is also the namespace of sharedstruct.segment.lock.wait.time",
            "sharedstruct.segment.lock.wait.time has seconds as whole numbers",
            "sharedstruct.view.count has no unit",
            "sharedstruct.view.count is published twice",
        ], problems.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// What breaks .NET's and OpenTelemetry's naming guidance in a set of instruments and their tag: lower-case dotted
    /// snake_case names, none ending in total, none also the namespace of another (tag included), a unit on each (UCUM
    /// seconds or a <c>{count}</c> annotation), durations in seconds as floating point.
    /// </summary>
    private static List<string> NamingProblems(IReadOnlyList<(string Name, string? Unit, Type Value)> instruments, string tag)
    {
        var problems = new List<string>();
        foreach ((string name, string? unit, Type value) in instruments)
        {
            if (!Regex.IsMatch(name, @"^sharedstruct(\.[a-z][a-z0-9]*(_[a-z0-9]+)*)+$"))
                problems.Add($"{name} is not lower-case dotted snake_case under sharedstruct.");
            if (Regex.IsMatch(name, @"[._]total$"))
                problems.Add($"{name} ends in total");
            if (string.IsNullOrEmpty(unit))
                problems.Add($"{name} has no unit");
            else if (unit != "s" && unit != "By" && !Regex.IsMatch(unit, @"^\{[a-z_]+\}$"))
                problems.Add($"{name} has unit '{unit}', not UCUM seconds or a {{count}} annotation");
            bool duration = Regex.IsMatch(name, @"\.(duration|time)$|\.wait\.");
            if (duration && unit != "s")
                problems.Add($"{name} is a duration not in seconds");
            if (unit == "s" && value != typeof(double))
                problems.Add($"{name} has seconds as whole numbers");
        }
        List<string> names = instruments.Select(i => i.Name).Append(tag).ToList();
        foreach (string twice in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
            problems.Add($"{twice} is published twice");
        foreach (string outer in names.Distinct(StringComparer.Ordinal))
        {
            foreach (string inner in names.Distinct(StringComparer.Ordinal).Where(n => n.StartsWith(outer + ".", StringComparison.Ordinal)))
                problems.Add($"{outer} is also the namespace of {inner}");
        }
        return problems;
    }

    private static Type ValueType(Instrument instrument) => instrument.GetType().GetGenericArguments()[0];

    private static string Kind(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition() switch
    {
        Type d when d == typeof(ObservableCounter<>) => "observable counter",
        Type d when d == typeof(ObservableGauge<>) => "observable gauge",
        Type d when d == typeof(ObservableUpDownCounter<>) => "observable up-down counter",
        Type d when d == typeof(Histogram<>) => "histogram",
        Type d when d == typeof(Counter<>) => "counter",
        Type d => d.Name,
    };

    private static string RepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "SharedStruct.sln")))
                return dir;
        }
        throw new InvalidOperationException($"No SharedStruct.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void The_meter_version_is_the_runtime_package_version_that_matches_the_assembly_version()
    {
        string version = ExpectedMeterVersion();
        Assert.DoesNotContain("+", version);
        Version assembly = typeof(SharedSegment<>).Assembly.GetName().Version!;
        Version numeric = Version.Parse(version.Split('-')[0]);
        Assert.Equal(new Version(assembly.Major, assembly.Minor, assembly.Build), numeric);
        Assert.Equal(version, SharedStructMetrics.Version);
    }

    /// <summary>
    /// The meter version the docs promise, read here from the runtime assembly's attribute rather than from
    /// <see cref="SharedStructMetrics.Version"/>: the informational version without the build's <c>+commit</c> suffix.
    /// </summary>
    private static string ExpectedMeterVersion()
    {
        string informational = typeof(SharedSegment<>).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }

    private static SegmentInfo Info(TestSegment t) => SegmentInspector.Inspect(t.Name, t.Options);

    /// <summary>A minimal factory, as a DI container provides: it owns the meters it creates.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = new();

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            lock (Created)
                Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter meter in Created)
                meter.Dispose();
        }
    }

    /// <summary>Listens to the instruments of the meters <c>select</c> picks and keeps every measurement with its tags.</summary>
    private sealed class MeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, string? Segment, object Value, string[] Tags)> _measurements = new();
        private readonly HashSet<string?> _versions = new();

        public MeterRecorder(Func<Meter, bool> select)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (select(instrument.Meter))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>(Record);
            _listener.SetMeasurementEventCallback<int>(Record);
            _listener.SetMeasurementEventCallback<double>(Record);
            _listener.Start();
        }

        private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            string? segment = null;
            var keys = new string[tags.Length];
            for (int i = 0; i < tags.Length; i++)
            {
                keys[i] = tags[i].Key;
                if (tags[i].Key == SharedStructMetrics.SegmentTag)
                    segment = tags[i].Value as string;
            }
            lock (_measurements)
            {
                _measurements.Add((instrument.Name, segment, value!, keys));
                _versions.Add(instrument.Meter.Version);
            }
        }

        /// <summary>The versions of the meters whose measurements were recorded.</summary>
        public List<string?> MeterVersions
        {
            get
            {
                lock (_measurements)
                    return _versions.ToList();
            }
        }

        public void Collect() => _listener.RecordObservableInstruments();

        public void Clear()
        {
            lock (_measurements)
                _measurements.Clear();
        }

        public List<T> All<T>(string instrument, string segment)
        {
            lock (_measurements)
                return _measurements.Where(m => m.Instrument == instrument && m.Segment == segment).Select(m => (T)m.Value).ToList();
        }

        public bool Has(string instrument, string segment) => All<object>(instrument, segment).Count > 0;

        public T Last<T>(string instrument, string segment)
        {
            List<T> values = All<T>(instrument, segment);
            Assert.True(values.Count > 0, $"no measurement of {instrument} for {segment}");
            return values[^1];
        }

        public long Sum<T>(string instrument, string segment) => All<T>(instrument, segment).Sum(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The tag keys of every measurement of a segment-tagged instrument.</summary>
        public IEnumerable<string[]> Tags
        {
            get
            {
                lock (_measurements)
                    return _measurements.Where(m => m.Instrument.StartsWith("sharedstruct.", StringComparison.Ordinal)).Select(m => m.Tags).ToList();
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
