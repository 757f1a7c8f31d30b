using System;
using System.Collections.Generic;
using System.Threading;

namespace SharedStruct.Platform;

/// <summary>A process named so that a reused process id is not mistaken for it.</summary>
/// <param name="Pid">The operating system's process id.</param>
/// <param name="StartTime">An opaque, platform-defined start time; 0 when unknown.</param>
/// <param name="PidNamespace">An id of the process's PID namespace (0 when unknown), to tell people that a pid is another namespace's.</param>
internal readonly record struct ProcessIdentity(int Pid, long StartTime, ulong PidNamespace = 0);

/// <summary>What the platform needs to create or open a segment's backing object.</summary>
internal sealed class MappingRequest
{
    public required string Name { get; init; }
    public required long Size { get; init; }
    public required SharedSegmentOptions Options { get; init; }
    public bool ReadOnly => Options.ReadOnly;
    public SegmentOpenMode Mode => Options.Mode;
    public string? FilePath => Options.FilePath;
}

/// <summary>
/// The platform seam: everything that differs between Linux, Windows and macOS. The rest of the runtime is
/// platform-neutral and talks to the operating system only through this interface and <see cref="PlatformMapping"/>.
/// </summary>
internal interface IPlatform
{
    ProcessIdentity CurrentProcess { get; }

    /// <summary>
    /// Creates or opens the backing object and maps it. For an existing object the mapping covers its actual size,
    /// which may differ from <see cref="MappingRequest.Size"/>; the caller validates the header.
    /// </summary>
    PlatformMapping Open(MappingRequest request, DateTime deadlineUtc);

    /// <summary>
    /// Removes a named segment's backing object. Returns false when there was none. Unless <paramref name="force"/>,
    /// refuses with <see cref="SegmentInUseException"/> while any process has it open.
    /// </summary>
    bool Delete(string name, SharedSegmentOptions options, bool force);

    /// <summary>Where a named segment lives, for messages (a path or a kernel object name).</summary>
    string Locate(string name, SharedSegmentOptions options);

    /// <summary>The names of the named segments that exist, for tools.</summary>
    IEnumerable<string> EnumerateNames(SharedSegmentOptions options);

    /// <summary>
    /// The address range of the calling thread's stack, [low, high), for telling whether an address lies on this
    /// thread's stack (the lock's recursion check, slow path only). False when the platform cannot say.
    /// </summary>
    bool TryGetCurrentThreadStack(out nuint low, out nuint high);
}

/// <summary>A mapped view of a segment's backing object, with the kernel waiting primitive for its lock.</summary>
internal abstract unsafe class PlatformMapping : IDisposable
{
    public byte* Pointer { get; protected set; }
    public long Length { get; protected set; }
    public bool Created { get; protected set; }
    public bool ReadOnly { get; protected set; }
    public string Location { get; protected set; } = string.Empty;

    /// <summary>Writes dirty pages of a file-backed mapping to its file and waits for it (msync / FlushViewOfFile).</summary>
    public abstract void Flush();

    /// <summary>Sleeps while <c>*word == expected</c>, at most <paramref name="timeoutMs"/>; may return early.</summary>
    public abstract void Wait(uint* word, uint expected, int timeoutMs);

    /// <summary>Wakes up to <paramref name="count"/> processes sleeping in <see cref="Wait"/> on <paramref name="word"/>; returns how many woke (-1: unknown).</summary>
    public abstract int Wake(uint* word, int count);

    /// <summary>
    /// Sleeps while <c>*word == expected</c> (the change word), at most <paramref name="timeoutMs"/>, or until
    /// <paramref name="cancellationToken"/> is cancelled (then returns; the caller checks); may return early.
    /// </summary>
    public virtual void WaitChange(uint* word, uint expected, int timeoutMs, CancellationToken cancellationToken) =>
        Wait(word, expected, timeoutMs);

    /// <summary>
    /// Wakes every watcher asleep in <see cref="WaitChange"/> on <paramref name="word"/>, which this caller just moved
    /// from <paramref name="changedFrom"/> (<paramref name="sleepers"/>: how many there may be); returns how many woke
    /// (-1: unknown).
    /// </summary>
    public virtual int WakeChange(uint* word, uint changedFrom, int sleepers) => Wake(word, int.MaxValue);

    /// <summary>
    /// Ends this process's <see cref="WaitChange"/> calls on <paramref name="word"/> early, for cancellation and disposal
    /// (others may wake too and go back to sleep).
    /// </summary>
    /// <remarks>
    /// The word moves as well as being woken: a waiter reads the word, then checks its cancellation (or the disposal),
    /// then sleeps while the word still holds what it read. A wake that lands between its check and its sleep finds
    /// nobody asleep, but a moved word makes that sleep return at once, so no interrupt is ever lost. Watchers in other
    /// processes see a change that is none: they look at the version once more and sleep again.
    /// </remarks>
    public virtual void InterruptChangeWaits(uint* word)
    {
        Interlocked.Increment(ref *word);
        Wake(word, int.MaxValue);
    }

    /// <summary>
    /// The segment's header, writable, for a watcher to register in: <see cref="Pointer"/> for a writable view; for a
    /// read-only view a separate writable mapping of the first page, if the user may write the segment; otherwise null
    /// (the read-only view then watches by polling).
    /// </summary>
    public virtual byte* WritableHeader() => ReadOnly ? null : Pointer;

    /// <summary>The kernel-held liveness markers of this view.</summary>
    public abstract ProcessMarkers Markers { get; }

    /// <summary>
    /// Makes a created segment visible under its name, once its header is complete. True when it is (or always was);
    /// false with <paramref name="nameTaken"/> when another creator's segment took the name first.
    /// </summary>
    public virtual bool TryPublish(out bool nameTaken)
    {
        nameTaken = false;
        return true;
    }

    /// <summary>Whether the name still leads to this view's backing object (it was not deleted and made anew meanwhile).</summary>
    public virtual bool StillNamed() => true;

    /// <summary>Removes the backing object; used when this call created it and initialisation failed.</summary>
    public abstract void RemoveBacking();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    ~PlatformMapping() => Dispose(false);
}
