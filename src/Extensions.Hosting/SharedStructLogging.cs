using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using SharedStruct.Diagnostics;

namespace SharedStruct.Extensions.Hosting;

/// <summary>
/// Logs lock timeouts and recoveries from a dead holder of the segments a container registered. It listens to the
/// <c>SharedStruct</c> meter those segments report on (the container's <see cref="IMeterFactory"/>, or the process-wide
/// meter), so the core runtime needs no logging dependency and records nothing extra.
/// </summary>
internal sealed class SharedStructLogging : IDisposable
{
    public const string Category = "SharedStruct.Segment";

    private readonly ILogger? _logger;
    private readonly object _gate = new();
    private readonly HashSet<object> _scopes = new();
    private MeterListener? _listener;

    public SharedStructLogging(ILoggerFactory? loggerFactory) => _logger = loggerFactory?.CreateLogger(Category);

    /// <summary>Starts logging the events of segments that report on <paramref name="factory"/>'s meter (null: the process-wide one).</summary>
    public void Listen(IMeterFactory? factory)
    {
        if (_logger is null)
            return; // no logging configured: nothing to listen for
        lock (_gate)
        {
            if (!_scopes.Add(factory ?? (object)typeof(SharedStructMetrics)))
                return;
            _listener?.Dispose();
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == SharedStructMetrics.MeterName && Wanted(instrument.Meter.Scope)
                        && instrument.Name is InstrumentNames.LockTimeouts or InstrumentNames.LockRecoveries)
                        l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<long>(OnEvent);
            _listener = listener;
            listener.Start();
        }
    }

    private bool Wanted(object? scope)
    {
        lock (_gate)
            return _scopes.Contains(scope ?? typeof(SharedStructMetrics));
    }

    private void OnEvent(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (_logger is null)
            return;
        string segment = "?";
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == SharedStructMetrics.SegmentTag && tag.Value is string name)
                segment = name;
        }
        if (instrument.Name == InstrumentNames.LockRecoveries)
            Log.Recovered(_logger, segment);
        else
            Log.TimedOut(_logger, segment);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _listener?.Dispose();
            _listener = null;
        }
    }
}

/// <summary>The package's log messages (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened shared segment '{Segment}' ({Created}) at {Location}")]
    private static partial void OpenedCore(ILogger logger, string segment, string created, string location);

    public static void Opened(ILogger logger, string segment, bool isCreator, string location) =>
        OpenedCore(logger, segment, isCreator ? "created it" : "it existed", location);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "A holder of shared segment '{Segment}' died holding its lock; this process took the lock over and its guard reports WasAbandoned (the payload may be half-updated)")]
    public static partial void Recovered(ILogger logger, string segment);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "A wait for the lock of shared segment '{Segment}' timed out: a live process held it the whole time")]
    public static partial void TimedOut(ILogger logger, string segment);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Deleted shared segment '{Segment}' at shutdown")]
    public static partial void Deleted(ILogger logger, string segment);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Did not delete shared segment '{Segment}' at shutdown: it was already gone (on Windows a named segment cannot be deleted; it vanishes once no process has it open)")]
    public static partial void AlreadyGone(ILogger logger, string segment);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Kept shared segment '{Segment}' ({Location}) at shutdown instead of deleting it: another process still has it open. It stays until deleted (sharedstruct delete, or ForceDeleteOnShutdown to delete it anyway)")]
    public static partial void KeptInUse(ILogger logger, string segment, string location);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Deleted shared segment '{Segment}' at shutdown while other processes still had it open (ForceDeleteOnShutdown): they keep the old segment, which new openers of the name do not see")]
    public static partial void ForceDeleted(ILogger logger, string segment);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Could not delete shared segment '{Segment}' at shutdown")]
    public static partial void DeleteFailed(ILogger logger, string segment, Exception exception);
}
