using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SharedStruct.Platform.Unix;

/// <summary>
/// A file (under /dev/shm, a private directory, or a user's file) mapped MAP_SHARED. The descriptor stays open for the
/// mapping's life: the liveness markers are locks on it, and the kernel drops them when it is closed or the process dies.
/// </summary>
internal sealed unsafe class UnixFileMapping : PlatformMapping
{
    private readonly UnixPlatform _platform;
    private int _fd;
    private bool _published;

    public UnixFileMapping(UnixPlatform platform, int fd, byte* pointer, long length, bool created, bool readOnly, string path, bool published)
    {
        _platform = platform;
        _fd = fd;
        _published = published;
        Pointer = pointer;
        Length = length;
        Created = created;
        ReadOnly = readOnly;
        Location = path;
        Markers = platform.CreateMarkers(fd, readOnly);
    }

    public override ProcessMarkers Markers { get; }

    public override bool TryPublish(out bool nameTaken)
    {
        nameTaken = false;
        if (_published)
            return true;
        int errno = _platform.LinkUnnamed(_fd, Location);
        if (errno == 0)
        {
            _published = true;
            return true;
        }
        if (errno == Libc.EEXIST)
        {
            nameTaken = true;
            return false;
        }
        throw new IOException($"Cannot give segment file '{Location}' its name: {Libc.Describe(errno)}.");
    }

    public override bool StillNamed() => _platform.StillNamed(_fd, Location);

    public override void Flush()
    {
        if (Pointer == null)
            throw new ObjectDisposedException(Location);
        if (Libc.Msync(Pointer, (nuint)Length, _platform.MsSync) != 0)
            throw new IOException($"Flushing segment file '{Location}' failed: {Libc.Describe(Marshal.GetLastPInvokeError())}.");
    }

    public override void Wait(uint* word, uint expected, int timeoutMs) => _platform.Wait(word, expected, timeoutMs);

    public override int Wake(uint* word, int count) => _platform.Wake(word, count);

    private byte* _writableHeader;

    public override byte* WritableHeader()
    {
        if (!ReadOnly)
            return Pointer;
        if (_writableHeader != null)
            return _writableHeader;
        int fd = _platform.ReopenReadWrite(_fd);
        if (fd < 0)
            return null; // this user may only read the segment: its watchers poll
        try
        {
            void* p = Libc.Mmap(null, (nuint)SharedStruct.Format.SegmentHeader.Size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
            if (p == Libc.MapFailed)
                return null;
            _writableHeader = (byte*)p;
            return _writableHeader;
        }
        finally
        {
            Libc.Close(fd); // the mapping keeps the file; the watching marker is on the view's own descriptor
        }
    }

    public override void RemoveBacking()
    {
        // An unnamed file has no name to remove: it goes with its last descriptor.
        if (_published)
            Libc.Unlink(Location);
    }

    protected override void Dispose(bool disposing)
    {
        byte* p = Pointer;
        if (p != null)
        {
            Pointer = null;
            Libc.Munmap(p, (nuint)Length);
        }
        byte* header = _writableHeader;
        if (header != null)
        {
            _writableHeader = null;
            Libc.Munmap(header, (nuint)SharedStruct.Format.SegmentHeader.Size);
        }
        // Closing the descriptor drops every marker (lock) held through it.
        int fd = _fd;
        if (fd >= 0)
        {
            _fd = -1;
            Libc.Close(fd);
        }
    }
}
