using System.Runtime.InteropServices;

namespace SharedStruct.Platform.Linux;

/// <summary>
/// Markers as open-file-description byte-range locks (<c>fcntl F_OFD_SETLK</c>) on the segment's own file, on bytes far
/// beyond its end (a lock needs no data there). The kernel ties such a lock to the open file description, not to a
/// process id: it is visible from every PID, mount and time namespace that sees the file, through read-only descriptors
/// too, and it is gone the instant the holder dies or closes the descriptor. Unlike classic POSIX locks, closing some
/// other descriptor of the same file does not drop it, and two views in one process do not merge.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe partial class OfdLockMarkers : ProcessMarkers
{
    /// <summary>1 TiB: past any segment (payloads are at most 1 GiB), so no marker touches real bytes.</summary>
    private const long Base = 1L << 40;
    private const long Gate = Base;
    private const long Readers = Base + 1;
    private const long Init = Base + 2;
    private const long Watching = Base + 3;
    private const long FirstSlot = Base + 1024;

    private const int F_OFD_GETLK = 36;
    private const int F_OFD_SETLK = 37;
    private const short F_RDLCK = 0;
    private const short F_WRLCK = 1;
    private const short F_UNLCK = 2;

    private readonly int _fd;
    private readonly bool _readOnly;
    private bool _attached;

    public OfdLockMarkers(int fd, bool readOnly)
    {
        _fd = fd;
        _readOnly = readOnly;
    }

    public override bool TryAttach(bool readOnly)
    {
        if (!Set(Gate, F_RDLCK))
            return false;
        if (readOnly)
            Set(Readers, F_RDLCK);
        _attached = true;
        return true;
    }

    public override bool OthersAttached(out bool readers)
    {
        readers = IsLocked(Readers);
        return IsLocked(Gate);
    }

    // A write lock needs a descriptor open for writing; a read-only view cannot prove that nobody else is attached.
    public override bool TryHoldExclusive() => !_readOnly && Set(Gate, F_WRLCK);

    public override void ReleaseExclusive(bool stayAttached) => Set(Gate, stayAttached && _attached ? F_RDLCK : F_UNLCK);

    public override bool TryHoldSlot(int index, uint incarnation) => !_readOnly && Set(FirstSlot + index, F_WRLCK);

    public override void ReleaseSlot(int index, uint incarnation) => Set(FirstSlot + index, F_UNLCK);

    public override bool IsSlotHeld(int index, uint incarnation, int pid, long startTime) => IsLocked(FirstSlot + index);

    public override bool TryHoldInit() => !_readOnly && Set(Init, F_WRLCK);

    public override void ReleaseInit() => Set(Init, F_UNLCK);

    public override bool IsInitHeld(int creatorPid, long creatorStartTime) => IsLocked(Init);

    // A read lock: every watcher holds it at once, and it needs only read access (read-only views watch too).
    public override bool TryHoldWatching() => Set(Watching, F_RDLCK);

    public override void ReleaseWatching() => Set(Watching, F_UNLCK);

    public override bool OthersWatching() => IsLocked(Watching);

    public override void ReleaseAll()
    {
        // Length 0 means "to the end of the file's offsets": every marker at once.
        var request = new Flock { Type = F_UNLCK, Whence = 0, Start = Base, Length = 0 };
        Fcntl(_fd, F_OFD_SETLK, &request);
        _attached = false;
    }

    private bool Set(long offset, short type)
    {
        // l_pid must be 0 for OFD locks.
        var request = new Flock { Type = type, Whence = 0, Start = offset, Length = 1 };
        return Fcntl(_fd, F_OFD_SETLK, &request) == 0;
    }

    /// <summary>Whether some other open file description holds any lock on the byte (asked as if to write-lock it).</summary>
    private bool IsLocked(long offset)
    {
        var request = new Flock { Type = F_WRLCK, Whence = 0, Start = offset, Length = 1 };
        if (Fcntl(_fd, F_OFD_GETLK, &request) != 0)
            return true; // cannot tell: never judge a holder dead on a failed question
        return request.Type != F_UNLCK;
    }

    /// <summary><c>struct flock</c> on 64-bit Linux (x64 and arm64): 32 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    private struct Flock
    {
        [FieldOffset(0)] public short Type;
        [FieldOffset(2)] public short Whence;
        [FieldOffset(8)] public long Start;
        [FieldOffset(16)] public long Length;
        [FieldOffset(24)] public int Pid;
    }

    // fcntl is variadic; Linux's 64-bit ABIs pass its third (pointer) argument like a fixed one.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, Flock* request);
}
