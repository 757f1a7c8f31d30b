using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SharedStruct.Locking;

namespace SharedStruct;

/// <summary>
/// Waits for changes to a segment whose struct this program does not know: tools, and dashboards over many segments.
/// It maps the segment read-only with the layout found in its header, and offers only the version and the waits. Unlike
/// a read-only view it does not attach: it never keeps the segment from being deleted (it then simply sees no more
/// changes; check that the segment still exists by name).
/// </summary>
public sealed class SegmentWatcher : IDisposable
{
    private readonly SegmentCore _core;

    private SegmentWatcher(SegmentCore core) => _core = core;

    /// <summary>Opens the named segment for watching, whatever its layout.</summary>
    /// <exception cref="FileNotFoundException">There is no such segment.</exception>
    /// <exception cref="InvalidDataException">The file in the segment's place is not a valid segment (the message says why).</exception>
    public static SegmentWatcher Open(string name, SharedSegmentOptions? options = null) =>
        Open(name, SegmentInspector.Inspect(name, options), options ?? SharedSegmentOptions.Default);

    /// <summary>Opens a file-backed segment for watching, whatever its layout.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid segment.</exception>
    public static SegmentWatcher OpenFile(string path)
    {
        SegmentInfo info = SegmentInspector.InspectFile(path);
        return Open(info.Name, info, new SharedSegmentOptions { FilePath = path });
    }

    private static SegmentWatcher Open(string name, SegmentInfo info, SharedSegmentOptions options)
    {
        if (!info.IsValid)
            throw new InvalidDataException($"Cannot watch {info.Location}: {info.Problem}");
        SharedSegmentOptions o = options.WithMode(SegmentOpenMode.OpenExisting);
        o.ReadOnly = true;
        o.Observer = true;
        var layout = new SegmentLayout(info.Fingerprint, info.LayoutDescription ?? "");
        return new SegmentWatcher(SegmentCore.Open(name, info.PayloadSize, layout, o, null, null));
    }

    /// <summary>The segment name.</summary>
    public string Name => _core.Name;

    /// <summary>The segment's version (see <see cref="SharedSegment{T}.Version"/>).</summary>
    public ulong Version => _core.Version;

    /// <summary>Sleeps until <see cref="Version"/> differs from <paramref name="sinceVersion"/> (true) or the timeout passes (false).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool WaitForChange(ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Watching.ChangeWatch.WaitForChange(_core, sinceVersion, timeout, cancellationToken);

    /// <summary>Like <see cref="WaitForChange"/>, without blocking a thread.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the task is cancelled).</exception>
    public ValueTask<bool> WaitForChangeAsync(ulong sinceVersion, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Watching.ChangeWatch.WaitForChangeAsync(_core, sinceVersion, timeout, cancellationToken);

    /// <summary>Unmaps the segment and stops watching.</summary>
    public void Dispose() => _core.Dispose();
}
