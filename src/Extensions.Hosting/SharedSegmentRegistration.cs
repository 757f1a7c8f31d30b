using System;
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
/// <see cref="IMeterFactory"/> unless the options name one), and at shutdown disposes it and deletes it if asked. It is
/// also the hosted service that opens the segment while the host starts.
/// </summary>
internal sealed class SharedSegmentRegistration<TSegment, T> : IHostedService, IDisposable
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
    private string? _name;
    private bool _disposed;

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
                    _name = runtime.Name;
                    Log.Opened(_logger, runtime.Name, runtime.IsCreator, runtime.Location);
                    _segment = segment;
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask; // the container disposes at shutdown

    public void Dispose()
    {
        TSegment? segment;
        string? name;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            segment = _segment;
            name = _name;
            _segment = null;
        }
        if (segment is null)
            return;
        segment.Dispose();
        if (_options.DeleteOnShutdown && name is not null)
        {
            if (SharedSegment.Delete(name, _segmentOptions))
                Log.Deleted(_logger, name);
            else
                Log.NotDeleted(_logger, name);
        }
    }
}
