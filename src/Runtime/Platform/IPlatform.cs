using System;
using System.Collections.Generic;

namespace SharedStruct.Platform;

/// <summary>A process named so that a reused process id is not mistaken for it.</summary>
/// <param name="Pid">The operating system's process id.</param>
/// <param name="StartTime">An opaque, platform-defined start time; 0 when unknown.</param>
internal readonly record struct ProcessIdentity(int Pid, long StartTime);

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

    /// <summary>False only when the process is certainly gone (or its id now names a different process).</summary>
    bool IsAlive(int pid, long startTime);

    /// <summary>
    /// Creates or opens the backing object and maps it. For an existing object the mapping covers its actual size,
    /// which may differ from <see cref="MappingRequest.Size"/>; the caller validates the header.
    /// </summary>
    PlatformMapping Open(MappingRequest request, DateTime deadlineUtc);

    /// <summary>Removes a named segment's backing object. Returns false when there was none.</summary>
    bool Delete(string name, SharedSegmentOptions options);

    /// <summary>Where a named segment lives, for messages (a path or a kernel object name).</summary>
    string Locate(string name, SharedSegmentOptions options);

    /// <summary>The names of the named segments that exist, for tools.</summary>
    IEnumerable<string> EnumerateNames(SharedSegmentOptions options);
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

    /// <summary>Wakes one process sleeping in <see cref="Wait"/> on <paramref name="word"/>.</summary>
    public abstract void Wake(uint* word);

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
