using System;
using System.IO;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SharedStruct.Extensions.Hosting;

/// <summary>
/// The singleton behind one registration: opens the segment once (reporting metrics on the host's
/// <see cref="IMeterFactory"/> unless the options name one), deletes it at shutdown if asked (keeping it while another
/// process has it open, unless forced) and disposes it. It is also the hosted service that opens the segment while the
/// host starts.
/// </summary>
internal sealed class SharedSegmentRegistration<TSegment, T> : IHostedLifecycleService, IDisposable
    where TSegment : class, IDisposable
    where T : unmanaged
{
    private readonly Func<SharedSegmentOptions, TSegment> _open;
    private readonly Func<TSegment, SharedSegment<T>> _runtimeOf;
    private readonly SharedSegmentServiceOptions _options;
    private readonly SharedSegmentOptions _segmentOptions;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private TSegment? _segment;
    private SharedSegment<T>? _runtime;
    private bool _disposed;
    private bool _deleteHandled;

    public SharedSegmentRegistration(
        Func<SharedSegmentOptions, TSegment> open, Func<TSegment, SharedSegment<T>> runtimeOf, SharedSegmentServiceOptions options, IServiceProvider services)
    {
        _open = open;
        _runtimeOf = runtimeOf;
        _options = options;
        _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(SharedStructLogging.Category);
        _segmentOptions = options.Segment.WithMode(options.Segment.Mode); // a copy: the registration's options stay as configured
        _segmentOptions.MeterFactory ??= services.GetService<IMeterFactory>();
        services.GetService<SharedStructLogging>()?.Listen(_segmentOptions.MeterFactory);
    }

    public TSegment Segment
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_segment is null)
                {
                    TSegment segment = _open(_segmentOptions);
                    SharedSegment<T> runtime = _runtimeOf(segment);
                    Log.Opened(_logger, runtime.Name, runtime.IsCreator, runtime.Location);
                    _segment = segment;
                    _runtime = runtime;
                }
                return _segment;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.OpenAtStartup)
            _ = Segment;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Deletes the segment, if asked, once every hosted service has stopped: through this process's view, which is
    /// still open then. (The container disposes the segment service before this registration, so disposal is too late
    /// for that; a container used without a host deletes at disposal instead, through a fresh view.)
    /// </summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        SharedSegment<T>? runtime;
        lock (_gate)
        {
            if (_disposed || _deleteHandled || _runtime is null || !DeleteWanted)
                return Task.CompletedTask;
            _deleteHandled = true;
            runtime = _runtime;
        }
        DeleteAtShutdown(runtime);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        TSegment? segment;
        SharedSegment<T>? runtime;
        bool delete;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            segment = _segment;
            runtime = _runtime;
            delete = DeleteWanted && !_deleteHandled;
            _deleteHandled = true;
            _segment = null;
            _runtime = null;
        }
        if (segment is null || runtime is null)
            return;
        try
        {
            if (delete)
                DeleteAtShutdown(runtime);
        }
        finally
        {
            segment.Dispose();
        }
    }

    private bool DeleteWanted => _options.DeleteOnShutdown || _options.ForceDeleteOnShutdown;

    private void DeleteAtShutdown(SharedSegment<T> runtime)
    {
        string name = runtime.Name;
        try
        {
            DeleteThrough(runtime);
        }
        catch (ObjectDisposedException)
        {
            // Someone disposed the view first (the container does, without a host): a fresh view of the same segment
            // asks the same question, and its own attachment does not count either.
            TSegment fresh;
            try
            {
                fresh = _open(_segmentOptions.WithMode(SegmentOpenMode.OpenExisting));
            }
            catch (FileNotFoundException)
            {
                Log.AlreadyGone(_logger, name);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Log.DeleteFailed(_logger, name, e);
                return;
            }
            try
            {
                DeleteThrough(_runtimeOf(fresh));
            }
            finally
            {
                fresh.Dispose();
            }
        }
    }

    /// <summary>
    /// Deletes through a live view: its own attachment does not count against it, and the runtime checks that the name
    /// still leads to this very segment, so one that another process recreated under the name is left alone. Throws
    /// only <see cref="ObjectDisposedException"/>: a shutdown that cannot delete logs why and goes on.
    /// </summary>
    private void DeleteThrough(SharedSegment<T> runtime)
    {
        string name = runtime.Name;
        try
        {
            bool deleted;
            try
            {
                deleted = runtime.Delete();
            }
            catch (SegmentInUseException) when (!_options.ForceDeleteOnShutdown)
            {
                Log.KeptInUse(_logger, name, runtime.Location);
                return;
            }
            catch (SegmentInUseException)
            {
                deleted = ForceDelete(runtime);
                if (deleted)
                {
                    Log.ForceDeleted(_logger, name);
                    return;
                }
            }
            if (deleted)
                Log.Deleted(_logger, name);
            else
                Log.AlreadyGone(_logger, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.DeleteFailed(_logger, name, e);
        }
    }

    private bool ForceDelete(SharedSegment<T> runtime)
    {
        if (!runtime.IsFileBacked)
            return SharedSegment.ForceDelete(runtime.Name, _segmentOptions);
        if (!File.Exists(runtime.Location))
            return false;
        File.Delete(runtime.Location);
        return true;
    }
}
