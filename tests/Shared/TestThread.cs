using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace SharedStruct.Tests;

/// <summary>
/// A thread a test starts beside its own. An exception on a plain thread ends the whole test process (every later test
/// unrun, and the report says only that the process crashed); here it is kept and thrown again by <see cref="Join"/>,
/// so it fails the one test that started the thread, with its message. Background, so a stuck one never holds the
/// process open.
/// </summary>
internal sealed class TestThread
{
    private readonly Thread _thread;
    private Exception? _error;

    public TestThread(Action body, int maxStackSize = 0)
    {
        _thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                _error = e;
            }
        }, maxStackSize)
        {
            IsBackground = true,
        };
    }

    public void Start() => _thread.Start();

    /// <summary>Waits for the thread; rethrows what ended it, if anything did. False if it is still running after <paramref name="timeout"/>.</summary>
    public bool Join(TimeSpan timeout)
    {
        if (!_thread.Join(timeout))
            return false;
        if (_error is not null)
            ExceptionDispatchInfo.Capture(_error).Throw();
        return true;
    }

    /// <summary>Waits up to two minutes (a bound, so a stuck thread fails the test instead of hanging the run).</summary>
    public void Join()
    {
        if (!Join(TimeSpan.FromMinutes(2)))
            throw new TimeoutException("A test thread was still running after two minutes.");
    }
}
