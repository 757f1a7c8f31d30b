using System;
using System.IO;

namespace SharedStruct.Platform.Unix;

/// <summary>A file (under /dev/shm, a private directory, or a user's file) mapped MAP_SHARED.</summary>
internal sealed unsafe class UnixFileMapping : PlatformMapping
{
    private readonly UnixPlatform _platform;

    public UnixFileMapping(UnixPlatform platform, byte* pointer, long length, bool created, bool readOnly, string path)
    {
        _platform = platform;
        Pointer = pointer;
        Length = length;
        Created = created;
        ReadOnly = readOnly;
        Location = path;
    }

    public override void Flush()
    {
        if (Pointer == null)
            throw new ObjectDisposedException(Location);
        if (Libc.Msync(Pointer, (nuint)Length, _platform.MsSync) != 0)
            throw new IOException($"Flushing segment file '{Location}' failed: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}.");
    }

    public override void Wait(uint* word, uint expected, int timeoutMs) => _platform.Wait(word, expected, timeoutMs);

    public override void Wake(uint* word) => _platform.Wake(word);

    public override void RemoveBacking() => Libc.Unlink(Location);

    protected override void Dispose(bool disposing)
    {
        byte* p = Pointer;
        if (p != null)
        {
            Pointer = null;
            Libc.Munmap(p, (nuint)Length);
        }
    }
}
