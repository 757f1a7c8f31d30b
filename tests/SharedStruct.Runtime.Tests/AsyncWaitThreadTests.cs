using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Locking;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Async change waits cost no thread each: one dedicated waiter thread per segment object sleeps for all of them, a
/// change made by another process completes them all, and the thread ends with the object. The twin shows that the
/// same census does count a thread per wait when each wait has one.
/// </summary>
[Collection(ProcessCollection.Name)]
public class AsyncWaitThreadTests
{
    private const int Waits = 200;
    /// <summary>Far below <see cref="Waits"/>: room for what the rest of the test process does meanwhile, not for a thread or a work item per wait.</summary>
    private const int Slack = 40;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_hundred_async_waits_and_two_streams_share_one_waiter_thread_that_ends_with_the_segment_object()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            ulong version = view.Version;
            ThreadCensus before = ThreadCensus.Take();
            var waits = new List<Task<bool>>();
            for (int i = 0; i < Waits; i++)
                waits.Add(view.WaitForChangeAsync(version, Long).AsTask());
            var streams = new List<IAsyncEnumerator<TestPayload>>();
            for (int i = 0; i < 2; i++)
            {
                IAsyncEnumerator<TestPayload> stream = view.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
                Assert.True(await stream.MoveNextAsync()); // the current value, at once
                streams.Add(stream);
            }
            List<Task<bool>> nextValues = streams.Select(s => s.MoveNextAsync().AsTask()).ToList();

            // Time for a design that parks a thread-pool thread per wait to show it: work items queue up behind the
            // blocked threads, or the pool grows.
            await Task.Delay(TimeSpan.FromSeconds(1));
            ThreadCensus during = ThreadCensus.Take();
            Assert.All(waits.Concat(nextValues), w => Assert.False(w.IsCompleted, "a wait ended while nothing changed"));
            Assert.True(during.OsThreads - before.OsThreads <= Slack, $"threads {before.OsThreads} -> {during.OsThreads} for {Waits} waits");
            Assert.True(during.PoolThreads - before.PoolThreads <= Slack, $"thread-pool threads {before.PoolThreads} -> {during.PoolThreads}");
            Assert.True(during.PendingWork <= Slack, $"{during.PendingWork} work items queued behind busy pool threads");
            Assert.Single(during.WaiterThreads.Except(before.WaiterThreads));

            // One change in another process completes every wait and both streams.
            WriteInChild(t, 7);
            bool[] changed = await Task.WhenAll(waits).WaitAsync(Long);
            Assert.DoesNotContain(false, changed);
            foreach ((IAsyncEnumerator<TestPayload> stream, Task<bool> next) in streams.Zip(nextValues))
            {
                Assert.True(await next.WaitAsync(Long));
                Assert.Equal(7, stream.Current.Value);
                await stream.DisposeAsync();
            }

            // A wait still pending keeps the waiter thread from ending on its own (it does so only when idle), so what
            // ends it below is the disposal, which also fails the wait rather than leave it pending for ever.
            Task<bool> pending = view.WaitForChangeAsync(view.Version, Long).AsTask();
            int[] serving = ThreadCensus.Take().WaiterThreads.Except(before.WaiterThreads).ToArray();
            Assert.NotEmpty(serving);
            view.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(Long));
            Assert.True(WaitUntil(() => !serving.Any(ThreadCensus.IsAlive)), "the waiter thread outlived its segment object");
        }
        finally
        {
            view.Dispose();
        }
    }

    [Fact]
    public void Twin_the_same_census_counts_a_thread_per_wait_when_each_wait_has_one()
    {
        // Proves the bound above can fail: synchronous waits on threads of their own are the cost it must not find.
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var view = SharedSegment<TestPayload>.OpenReadOnly(t.Name);
        ulong version = view.Version;
        ThreadCensus before = ThreadCensus.Take();
        int started = 0;
        var threads = Enumerable.Range(0, Waits).Select(_ => new TestThread(() =>
        {
            Interlocked.Increment(ref started);
            Assert.True(view.WaitForChange(version, Long));
        }, maxStackSize: 256 * 1024)).ToList();
        threads.ForEach(thread => thread.Start());
        Assert.True(WaitUntil(() => Volatile.Read(ref started) == Waits), "the waiting threads never all started");
        ThreadCensus during = ThreadCensus.Take();
        WriteInChild(t, 7);
        threads.ForEach(thread => thread.Join());

        Assert.True(during.OsThreads - before.OsThreads > Slack, $"threads {before.OsThreads} -> {during.OsThreads}: the census missed {Waits} blocked threads");
        Assert.Empty(during.WaiterThreads.Except(before.WaiterThreads)); // synchronous waits start no waiter thread
    }

    private static void WriteInChild(TestSegment t, long value)
    {
        using var writer = ChildProcess.Start(["write", t.Name, value.ToString()]);
        Assert.Equal("written", writer.ReadLine(Long));
        Assert.Equal(0, writer.WaitForExit());
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 1000 && !condition(); i++)
            Thread.Sleep(10);
        return condition();
    }

    /// <summary>This process's threads at one moment, from /proc/self/task and from the thread pool.</summary>
    private sealed record ThreadCensus(int OsThreads, HashSet<int> WaiterThreads, int PoolThreads, long PendingWork)
    {
        /// <summary>The waiter thread's name as /proc shows it: Linux keeps the first 15 characters.</summary>
        private static readonly string WaiterComm = SegmentCore.DispatcherThreadName[..15];

        public static ThreadCensus Take()
        {
            var waiters = new HashSet<int>();
            int threads = 0;
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                threads++;
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == WaiterComm)
                        waiters.Add(int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (IOException)
                {
                    // The thread ended between the listing and the read.
                }
            }
            return new ThreadCensus(threads, waiters, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount);
        }

        public static bool IsAlive(int tid) => Directory.Exists($"/proc/self/task/{tid}");
    }
}
