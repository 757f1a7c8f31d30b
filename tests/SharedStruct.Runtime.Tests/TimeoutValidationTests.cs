using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Every public API that takes a timeout refuses the same invalid values with the same message, on every call, while
/// nothing contends: a bad constant must fail the first test run, not only the first contended run in production.
/// The list of calls is checked against reflection, so a new timeout-taking method fails here until it is added.
/// </summary>
[Collection(ProcessCollection.Name)]
public class TimeoutValidationTests
{
    private static readonly TimeSpan[] Rejected =
    [
        TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.FromMilliseconds(-5), TimeSpan.FromTicks(-1),
        TimeSpan.FromMilliseconds(-1.5), TimeSpan.FromDays(30), TimeSpan.FromMilliseconds(int.MaxValue + 1L),
    ];

    private static readonly TimeSpan[] Accepted = [Timeout.InfiniteTimeSpan, TimeSpan.Zero, TimeSpan.FromMilliseconds(int.MaxValue)];

    private const string TimeoutMessage = "The timeout must be Timeout.InfiniteTimeSpan (exactly -1 ms) or between 0 and int.MaxValue milliseconds (about 24.8 days).";

    private const string OpenTimeoutMessage = "The open timeout must be between 0 and int.MaxValue milliseconds (about 24.8 days). It cannot be infinite: a creator that died before writing the segment's header looks like a slow one, and only the timeout ends that wait.";

    /// <summary>A consumer's struct with a rejected attribute timeout (the analyzer warns; the generator still emits code).</summary>
    [SharedSegment("sst-test-declared", LockTimeoutMilliseconds = -5)]
    private struct DeclaredNegative
    {
        public long Value;
    }

    /// <summary>What the generated Open passes as its default lock timeout: the attribute's milliseconds (SegmentEmitter).</summary>
    private static TimeSpan DeclaredLockTimeout<T>() =>
        TimeSpan.FromMilliseconds(typeof(T).GetCustomAttribute<SharedSegmentAttribute>()!.LockTimeoutMilliseconds);

    /// <summary>Every way to give the lock timeout when opening: the options, the default argument, the attribute.</summary>
    private static Dictionary<string, Func<TestSegment, TimeSpan, IDisposable>> LockTimeoutOpens() => new()
    {
        ["Open, options.LockTimeout"] = (t, lockTimeout) => SharedSegment<TestPayload>.Open(t.Name, new SharedSegmentOptions { Directory = t.Options.Directory, LockTimeout = lockTimeout }),
        ["Open, defaultLockTimeout"] = (t, lockTimeout) => SharedSegment<TestPayload>.Open(t.Name, t.Options, defaultLockTimeout: lockTimeout),
        ["OpenReadOnly, options.LockTimeout"] = (t, lockTimeout) => SharedSegment<TestPayload>.OpenReadOnly(t.Name, new SharedSegmentOptions { Directory = t.Options.Directory, LockTimeout = lockTimeout }),
        ["OpenReadOnly, defaultLockTimeout"] = (t, lockTimeout) => SharedSegment<TestPayload>.OpenReadOnly(t.Name, t.Options, defaultLockTimeout: lockTimeout),
    };

    private sealed class Segments(TestSegment t) : IDisposable
    {
        public SharedSegment<TestPayload> Writable { get; } = SharedSegment<TestPayload>.Open(t.Name, t.Options);
        public ReadOnlySharedSegment<TestPayload> ReadOnly { get; } = SharedSegment<TestPayload>.OpenReadOnly(t.Name, t.Options);
        public SegmentWatcher Watcher { get; } = SegmentWatcher.Open(t.Name, t.Options);

        public void Dispose()
        {
            Watcher.Dispose();
            ReadOnly.Dispose();
            Writable.Dispose();
        }
    }

    /// <summary>One call per public timeout-taking method, keyed by the method's signature.</summary>
    private static Dictionary<string, Action<Segments, TimeSpan>> Calls()
    {
        TestPayload into = default;
        return new()
        {
            ["SharedStruct.SharedSegment`1[T].Lock(System.TimeSpan)"] = (s, t) => { using var g = s.Writable.Lock(t); },
            ["SharedStruct.SharedSegment`1[T].Lock(System.TimeSpan, System.Threading.CancellationToken)"] = (s, t) => { using var g = s.Writable.Lock(t, CancellationToken.None); },
            ["SharedStruct.SharedSegment`1[T].TryLock(System.TimeSpan, SharedStruct.SegmentGuard`1[T] ByRef)"] = (s, t) => { s.Writable.TryLock(t, out var g); g.Dispose(); },
            ["SharedStruct.SharedSegment`1[T].TryLock(System.TimeSpan, SharedStruct.SegmentGuard`1[T] ByRef, System.Threading.CancellationToken)"] = (s, t) => { s.Writable.TryLock(t, out var g, CancellationToken.None); g.Dispose(); },
            ["SharedStruct.SharedSegment`1[T].ReadSnapshot(System.TimeSpan)"] = (s, t) => s.Writable.ReadSnapshot(t),
            ["SharedStruct.SharedSegment`1[T].ReadSnapshot(System.TimeSpan, Boolean ByRef)"] = (s, t) => s.Writable.ReadSnapshot(t, out bool _),
            ["SharedStruct.SharedSegment`1[T].ReadSnapshot(System.TimeSpan, UInt64 ByRef, Boolean ByRef)"] = (s, t) => s.Writable.ReadSnapshot(t, out ulong _, out _),
            ["SharedStruct.SharedSegment`1[T].ReadSnapshot(T ByRef, System.TimeSpan)"] = (s, t) => s.Writable.ReadSnapshot(ref into, t),
            ["SharedStruct.SharedSegment`1[T].ReadSnapshot(T ByRef, System.TimeSpan, Boolean ByRef)"] = (s, t) => s.Writable.ReadSnapshot(ref into, t, out bool _),
            ["SharedStruct.SharedSegment`1[T].ReadSnapshot(T ByRef, System.TimeSpan, UInt64 ByRef, Boolean ByRef)"] = (s, t) => s.Writable.ReadSnapshot(ref into, t, out ulong _, out _),
            ["SharedStruct.SharedSegment`1[T].Update(SharedStruct.SegmentUpdater`1[T], System.TimeSpan)"] = (s, t) => s.Writable.Update(static (ref TestPayload p) => p.Writes++, t),
            ["SharedStruct.SharedSegment`1[T].Update[TState](SharedStruct.SegmentUpdater`2[T,TState], TState, System.TimeSpan)"] = (s, t) => s.Writable.Update(static (ref TestPayload p, int n) => p.Writes += n, 1, t),
            ["SharedStruct.SharedSegment`1[T].Read[TResult](SharedStruct.SegmentReader`2[T,TResult], System.TimeSpan)"] = (s, t) => s.Writable.Read(static (in TestPayload p) => p.Value, t),
            ["SharedStruct.SharedSegment`1[T].Read[TState,TResult](SharedStruct.SegmentReader`3[T,TState,TResult], TState, System.TimeSpan)"] = (s, t) => s.Writable.Read(static (in TestPayload p, int n) => p.Value + n, 1, t),
            ["SharedStruct.SharedSegment`1[T].WaitForChange(UInt64, System.TimeSpan, System.Threading.CancellationToken)"] = (s, t) => s.Writable.WaitForChange(s.Writable.Version + 1, t),
            ["SharedStruct.SharedSegment`1[T].WaitForChangeAsync(UInt64, System.TimeSpan, System.Threading.CancellationToken)"] = (s, t) => s.Writable.WaitForChangeAsync(s.Writable.Version + 1, t).AsTask().GetAwaiter().GetResult(),
            ["SharedStruct.ReadOnlySharedSegment`1[T].Read(System.TimeSpan)"] = (s, t) => s.ReadOnly.Read(t),
            ["SharedStruct.ReadOnlySharedSegment`1[T].Read(System.TimeSpan, Boolean ByRef)"] = (s, t) => s.ReadOnly.Read(t, out bool _),
            ["SharedStruct.ReadOnlySharedSegment`1[T].Read(System.TimeSpan, UInt64 ByRef, Boolean ByRef)"] = (s, t) => s.ReadOnly.Read(t, out ulong _, out _),
            ["SharedStruct.ReadOnlySharedSegment`1[T].TryRead(System.TimeSpan, T ByRef)"] = (s, t) => s.ReadOnly.TryRead(t, out _),
            ["SharedStruct.ReadOnlySharedSegment`1[T].TryRead(System.TimeSpan, T ByRef, Boolean ByRef)"] = (s, t) => s.ReadOnly.TryRead(t, out _, out _),
            ["SharedStruct.ReadOnlySharedSegment`1[T].ReadSnapshot(T ByRef, System.TimeSpan)"] = (s, t) => s.ReadOnly.ReadSnapshot(ref into, t),
            ["SharedStruct.ReadOnlySharedSegment`1[T].ReadSnapshot(T ByRef, System.TimeSpan, Boolean ByRef)"] = (s, t) => s.ReadOnly.ReadSnapshot(ref into, t, out bool _),
            ["SharedStruct.ReadOnlySharedSegment`1[T].ReadSnapshot(T ByRef, System.TimeSpan, UInt64 ByRef, Boolean ByRef)"] = (s, t) => s.ReadOnly.ReadSnapshot(ref into, t, out ulong _, out _),
            ["SharedStruct.ReadOnlySharedSegment`1[T].Read[TResult](SharedStruct.SegmentReader`2[T,TResult], System.TimeSpan)"] = (s, t) => s.ReadOnly.Read(static (in TestPayload p) => p.Value, t),
            ["SharedStruct.ReadOnlySharedSegment`1[T].Read[TState,TResult](SharedStruct.SegmentReader`3[T,TState,TResult], TState, System.TimeSpan)"] = (s, t) => s.ReadOnly.Read(static (in TestPayload p, int n) => p.Value + n, 1, t),
            ["SharedStruct.ReadOnlySharedSegment`1[T].WaitForChange(UInt64, System.TimeSpan, System.Threading.CancellationToken)"] = (s, t) => s.ReadOnly.WaitForChange(s.ReadOnly.Version + 1, t),
            ["SharedStruct.ReadOnlySharedSegment`1[T].WaitForChangeAsync(UInt64, System.TimeSpan, System.Threading.CancellationToken)"] = (s, t) => s.ReadOnly.WaitForChangeAsync(s.ReadOnly.Version + 1, t).AsTask().GetAwaiter().GetResult(),
            ["SharedStruct.SegmentWatcher.WaitForChange(UInt64, System.TimeSpan, System.Threading.CancellationToken)"] = (s, t) => s.Watcher.WaitForChange(s.Watcher.Version + 1, t),
            ["SharedStruct.SegmentWatcher.WaitForChangeAsync(UInt64, System.TimeSpan, System.Threading.CancellationToken)"] = (s, t) => s.Watcher.WaitForChangeAsync(s.Watcher.Version + 1, t).AsTask().GetAwaiter().GetResult(),
        };
    }

    [Fact]
    public void Every_public_timeout_taking_method_is_in_the_list()
    {
        Type[] types = [typeof(SharedSegment<>), typeof(ReadOnlySharedSegment<>), typeof(SegmentWatcher)];
        string[] found = types
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(TimeSpan) && p.Name == "timeout"))
            .Select(Signature)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(Calls().Keys.Order(StringComparer.Ordinal).ToArray(), found);
    }

    [Fact]
    public void Every_timeout_taking_method_refuses_invalid_timeouts_with_one_message_while_uncontended()
    {
        using var t = new TestSegment();
        using var segments = new Segments(t);
        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string method, Action<Segments, TimeSpan> call) in Calls())
        {
            foreach (TimeSpan bad in Rejected)
            {
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => call(segments, bad));
                Assert.True(e.ParamName == "timeout", $"{method} with {bad}: parameter '{e.ParamName}'.");
                messages.Add(e.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
            }
        }
        Assert.Equal(
            ["The timeout must be Timeout.InfiniteTimeSpan (exactly -1 ms) or between 0 and int.MaxValue milliseconds (about 24.8 days)."],
            messages);
    }

    [Fact]
    public void Every_timeout_taking_method_accepts_the_edges_of_the_valid_range()
    {
        using var t = new TestSegment();
        using var segments = new Segments(t);
        foreach ((string method, Action<Segments, TimeSpan> call) in Calls())
        {
            // Waiting for a change that never comes would block for the timeout: only zero for the waits.
            IEnumerable<TimeSpan> values = method.Contains("WaitForChange", StringComparison.Ordinal) ? [TimeSpan.Zero] : Accepted;
            foreach (TimeSpan good in values)
                call(segments, good);
        }
        // Each Update overload ran once per accepted value (+1 each): proof the calls above really ran.
        Assert.Equal(2 * Accepted.Length, segments.Writable.ReadSnapshot(TimeSpan.FromSeconds(1)).Writes);
    }

    [Fact]
    public void Opening_refuses_an_invalid_lock_timeout_with_the_same_message_before_touching_the_segment()
    {
        foreach ((string how, Func<TestSegment, TimeSpan, IDisposable> open) in LockTimeoutOpens())
        {
            foreach (TimeSpan bad in (TimeSpan[])[TimeSpan.MaxValue, TimeSpan.FromMilliseconds(-5), .. Rejected])
            {
                using var t = new TestSegment();
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => open(t, bad).Dispose());
                Assert.True(e.ParamName == "LockTimeout", $"{how} with {bad}: parameter '{e.ParamName}'.");
                Assert.Equal(TimeoutMessage, e.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
                Assert.False(File.Exists(t.Path), $"{how} with {bad} created the segment before refusing the timeout.");
            }
        }

        using var declared = new TestSegment();
        Assert.Equal(TimeSpan.FromMilliseconds(-5), DeclaredLockTimeout<DeclaredNegative>());
        var fromAttribute = Assert.Throws<ArgumentOutOfRangeException>(
            () => SharedSegment<DeclaredNegative>.Open(declared.Name, declared.Options, defaultLockTimeout: DeclaredLockTimeout<DeclaredNegative>()).Dispose());
        Assert.Equal("LockTimeout", fromAttribute.ParamName);
        Assert.Equal(TimeoutMessage, fromAttribute.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
        Assert.False(File.Exists(declared.Path));
    }

    [Fact]
    public void Opening_accepts_the_edges_of_the_valid_lock_timeout_range()
    {
        foreach ((string how, Func<TestSegment, TimeSpan, IDisposable> open) in LockTimeoutOpens())
        {
            foreach (TimeSpan good in Accepted)
            {
                using var t = new TestSegment();
                // A read-only view needs an existing segment; the writer made here is what it opens.
                using var writer = SharedSegment<TestPayload>.Open(t.Name, t.Options);
                using IDisposable opened = open(t, good);
            }
        }
    }

    [Fact]
    public void Opening_refuses_an_invalid_or_infinite_open_timeout_before_touching_the_segment()
    {
        Func<TestSegment, SharedSegmentOptions, IDisposable>[] opens =
        [
            (t, options) => SharedSegment<TestPayload>.Open(t.Name, options),
            (t, options) => SharedSegment<TestPayload>.OpenReadOnly(t.Name, options),
        ];
        foreach (Func<TestSegment, SharedSegmentOptions, IDisposable> open in opens)
        {
            foreach (TimeSpan bad in (TimeSpan[])[TimeSpan.MaxValue, TimeSpan.FromMilliseconds(-5), Timeout.InfiniteTimeSpan, .. Rejected])
            {
                using var t = new TestSegment();
                var options = new SharedSegmentOptions { Directory = t.Options.Directory, OpenTimeout = bad };
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => open(t, options).Dispose());
                Assert.True(e.ParamName == "OpenTimeout", $"OpenTimeout {bad}: parameter '{e.ParamName}'.");
                Assert.Equal(OpenTimeoutMessage, e.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
                Assert.False(File.Exists(t.Path), $"OpenTimeout {bad} created the segment before being refused.");
            }
        }
    }

    [Fact]
    public void Opening_accepts_the_edges_of_the_valid_open_timeout_range()
    {
        foreach (TimeSpan good in (TimeSpan[])[TimeSpan.Zero, TimeSpan.FromMilliseconds(int.MaxValue)])
        {
            using var t = new TestSegment();
            var options = new SharedSegmentOptions { Directory = t.Options.Directory, OpenTimeout = good };
            using (var writer = SharedSegment<TestPayload>.Open(t.Name, options))
            using (var reader = SharedSegment<TestPayload>.OpenReadOnly(t.Name, options))
                Assert.True(writer.IsCreator);
        }
    }

    private static string Signature(MethodInfo method) =>
        method.DeclaringType!.FullName!.Split('[')[0].Replace("`1", "`1[T]", StringComparison.Ordinal) + "." + method.ToString()!.Split(' ', 2)[1];
}
