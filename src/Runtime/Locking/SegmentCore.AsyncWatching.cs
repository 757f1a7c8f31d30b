using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SharedStruct.Locking;

/// <summary>
/// Asynchronous change waits: one dedicated thread per segment object sleeps in the kernel for all of them, so no
/// thread-pool thread is blocked per watcher. The thread starts with the first pending wait and ends a while after
/// the last one.
/// </summary>
internal sealed unsafe partial class SegmentCore
{
    /// <summary>How long the dispatcher thread stays without pending waits before it ends.</summary>
    private const int DispatcherIdleMs = 2000;
    /// <summary>The dispatcher thread's name (tests find the thread by it; Linux keeps its first 15 characters).</summary>
    internal const string DispatcherThreadName = "SharedStruct change waits";

    private readonly List<AsyncChangeWait> _asyncWaits = new();
    private Thread? _dispatcher;

    /// <summary>Completes with true when <see cref="Version"/> differs from <paramref name="since"/>, false on timeout.</summary>
    public ValueTask<bool> WaitForChangeAsync(ulong since, int timeoutMs, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        // A slow user while it looks at the header: a Dispose on another thread then waits for this call to list its
        // wait (and then fails it) instead of unmapping under it.
        using var _ = SlowUse();
        if (Version != since)
            return new ValueTask<bool>(true);
        if (timeoutMs == 0)
            return new ValueTask<bool>(false);
        EnsureWatching();
        var wait = new AsyncChangeWait(this, since);
        wait.Arm(timeoutMs, cancellationToken); // before it is listed, so a completion always finds its timer and registration
        lock (_asyncWaits)
        {
            if (_lockWord == null)
            {
                wait.Fail(DisposedError()); // gives back its timer and registration
                ThrowDisposed();
            }
            _asyncWaits.Add(wait);
            if (_dispatcher is null)
            {
                _dispatcher = new Thread(static state => ((SegmentCore)state!).Dispatch())
                {
                    IsBackground = true,
                    Name = DispatcherThreadName,
                };
                _dispatcher.Start(this);
            }
        }
        // A change between the first look and the registration above would otherwise wait for the next one.
        if (Version != since)
            wait.Complete(true);
        return new ValueTask<bool>(wait.Task);
    }

    private void Dispatch()
    {
        bool registered = IsRegisteredWatcher;
        long idleSince = Environment.TickCount64;
        var ready = new List<AsyncChangeWait>();
        Interlocked.Increment(ref _slowUsers);
        try
        {
            while (true)
            {
                if (_lockWord == null)
                {
                    FailPendingWaits();
                    return;
                }
                uint change = registered ? Volatile.Read(ref _watchHeader->ChangeWord) : 0;
                ulong version = Version;
                lock (_asyncWaits)
                {
                    for (int i = _asyncWaits.Count - 1; i >= 0; i--)
                    {
                        AsyncChangeWait wait = _asyncWaits[i];
                        if (wait.Task.IsCompleted || wait.Since != version)
                        {
                            _asyncWaits.RemoveAt(i);
                            ready.Add(wait);
                        }
                    }
                    // Not while this look found ready waits: they are completed below, and a dispatcher that ended
                    // here would leave them pending for ever (waits that a steady writer keeps completing at once can
                    // keep the list empty at every look for the whole idle time).
                    if (_asyncWaits.Count == 0 && ready.Count == 0)
                    {
                        if (Environment.TickCount64 - idleSince >= DispatcherIdleMs)
                        {
                            _dispatcher = null;
                            return;
                        }
                    }
                    else
                    {
                        idleSince = Environment.TickCount64;
                    }
                }
                foreach (AsyncChangeWait wait in ready)
                    wait.Complete(true); // no-op for the ones already timed out or cancelled
                ready.Clear();
                int slice = WaitSlice(registered);
                if (registered)
                    SleepOnChange(change, slice, _stopWatching.Token);
                else
                    _stopWatching.Token.WaitHandle.WaitOne(slice);
            }
        }
        catch (ObjectDisposedException)
        {
            FailPendingWaits();
        }
        finally
        {
            Interlocked.Decrement(ref _slowUsers);
        }
    }

    private void FailPendingWaits()
    {
        AsyncChangeWait[] pending;
        lock (_asyncWaits)
        {
            pending = _asyncWaits.ToArray();
            _asyncWaits.Clear();
            _dispatcher = null;
        }
        foreach (AsyncChangeWait wait in pending)
            wait.Fail(DisposedError());
    }

    /// <summary>One pending <see cref="WaitForChangeAsync"/>: its task, its timeout timer and its cancellation.</summary>
    private sealed class AsyncChangeWait
    {
        private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SegmentCore _core;
        private Timer? _timer;
        private CancellationTokenRegistration _cancellation;

        public AsyncChangeWait(SegmentCore core, ulong since)
        {
            _core = core;
            Since = since;
        }

        public ulong Since { get; }

        public Task<bool> Task => _completion.Task;

        public void Arm(int timeoutMs, CancellationToken cancellationToken)
        {
            if (timeoutMs != Timeout.Infinite)
                _timer = new Timer(static state => ((AsyncChangeWait)state!).Complete(false), this, timeoutMs, Timeout.Infinite);
            if (cancellationToken.CanBeCanceled)
                _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((AsyncChangeWait)state!).Cancel(token), this);
        }

        public void Complete(bool changed)
        {
            if (_completion.TrySetResult(changed))
                Cleanup();
        }

        public void Fail(Exception error)
        {
            if (_completion.TrySetException(error))
                Cleanup();
        }

        private void Cancel(CancellationToken token)
        {
            if (_completion.TrySetCanceled(token))
                Cleanup();
        }

        private void Cleanup()
        {
            _timer?.Dispose();
            _cancellation.Dispose();
            // Leave the pending list now rather than at the dispatcher's next look.
            lock (_core._asyncWaits)
                _core._asyncWaits.Remove(this);
        }
    }
}
