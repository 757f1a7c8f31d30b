using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Tool.Cli;

namespace SharedStruct.Tool.Commands;

/// <summary>
/// How <c>watch</c> waits between reads: asleep until the segment changes (at most the interval), or, when the segment
/// cannot be watched (missing, invalid, or this user may only read it and the platform polls anyway), for the interval.
/// </summary>
internal sealed class ChangeWaiter : IDisposable
{
    private readonly SegmentTarget _target;
    private SegmentWatcher? _watcher;
    private bool _tried;
    private ulong _version;

    public ChangeWaiter(SegmentTarget target) => _target = target;

    /// <summary>Notes the version before a read, so a change during the read ends the next wait at once.</summary>
    public void BeforeRead()
    {
        SegmentWatcher? watcher = Watcher();
        try
        {
            _version = watcher?.Version ?? 0;
        }
        catch (ObjectDisposedException)
        {
            Reopen();
        }
    }

    /// <summary>The segment was deleted and made anew: watch the new one.</summary>
    public void Reopen()
    {
        _watcher?.Dispose();
        _watcher = null;
        _tried = false;
    }

    public async Task WaitAsync(TimeSpan interval, CancellationToken cancellation)
    {
        SegmentWatcher? watcher = Watcher();
        if (watcher is null)
        {
            await Task.Delay(interval, cancellation).ConfigureAwait(false);
            return;
        }
        await watcher.WaitForChangeAsync(_version, interval, cancellation).ConfigureAwait(false);
    }

    private SegmentWatcher? Watcher()
    {
        if (_tried)
            return _watcher;
        _tried = true;
        try
        {
            _watcher = _target.File is not null ? SegmentWatcher.OpenFile(_target.File) : SegmentWatcher.Open(_target.Name!, _target.Options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            _watcher = null; // the reads report the problem; this only decides how to wait
        }
        return _watcher;
    }

    public void Dispose() => _watcher?.Dispose();
}
