using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using SharedStruct.Platform.Unix;

namespace SharedStruct.Platform.Linux;

/// <summary>
/// Linux: named segments are files in /dev/shm (tmpfs), the lock sleeps on a shared (not PRIVATE) futex, and liveness
/// is open-file-description locks on the segment file (<see cref="OfdLockMarkers"/>), which hold across PID and time
/// namespaces where process ids and /proc start times do not.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe partial class LinuxPlatform : UnixPlatform
{
    private const int FUTEX_WAIT = 0;
    private const int FUTEX_WAKE = 1;
    private const int AT_EMPTY_PATH = 0x1000;
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const int AT_SYMLINK_FOLLOW = 0x400;
    private const int O_TMPFILE = 0x410000; // __O_TMPFILE | O_DIRECTORY, the same on x64 and arm64
    private const uint STATX_BASIC_STATS = 0x7FF;

    private readonly long _futexSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    private ProcessIdentity? _current;

    protected override int O_RDONLY => 0;
    protected override int O_RDWR => 2;
    protected override int O_NOFOLLOW => 0x20000;
    protected override int O_CLOEXEC => 0x80000;
    private const int O_CREAT = 0x40;
    private const int O_EXCL = 0x80;
    protected override int ELOOP => 40;
    public override int MsSync => 4;

    protected override string DefaultDirectory => "/dev/shm";

    public override ProcessIdentity CurrentProcess =>
        _current ??= new ProcessIdentity(Environment.ProcessId, 0, ReadPidNamespace());

    public override ProcessMarkers CreateMarkers(int fd, bool readOnly) => new OfdLockMarkers(fd, readOnly);

    /// <summary>The inode of /proc/self/ns/pid ("pid:[4026531836]"): equal for processes in one PID namespace.</summary>
    private static ulong ReadPidNamespace()
    {
        try
        {
            string? target = new FileInfo("/proc/self/ns/pid").LinkTarget;
            if (target is null)
                return 0;
            int open = target.IndexOf('['), close = target.IndexOf(']');
            return open >= 0 && close > open && ulong.TryParse(target.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) ? id : 0;
        }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
    }

    protected override int CreateUnnamed(string directory, uint mode)
    {
        int fd = OpenCreate(directory, O_RDWR | O_TMPFILE | O_CLOEXEC, mode);
        return fd; // -1 where the file system has no O_TMPFILE (EOPNOTSUPP, EISDIR on old kernels): the caller falls back
    }

    public override int LinkUnnamed(int fd, string path)
    {
        // linkat(fd, "", AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc/self/fd link works for any user. It fails
        // with EEXIST when another creator's segment took the name first.
        string source = "/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture);
        if (LinkAt(AT_FDCWD, source, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
            return 0;
        return Marshal.GetLastPInvokeError();
    }

    public override int ReopenReadWrite(int fd) =>
        // Opening the /proc/self/fd link reopens the very file (checked against its permissions), never a namesake.
        Libc.Open("/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture), O_RDWR | O_CLOEXEC);

    public override void Wait(uint* word, uint expected, int timeoutMs)
    {
        if (timeoutMs <= 0)
            return;
        if (_futexSyscall < 0)
        {
            Thread.Sleep(1);
            return;
        }
        long* timeout = stackalloc long[2];
        timeout[0] = timeoutMs / 1000;
        timeout[1] = (timeoutMs % 1000) * 1_000_000L;
        // Not FUTEX_PRIVATE_FLAG: the word lives in memory shared with other processes.
        Syscall(_futexSyscall, word, FUTEX_WAIT, expected, timeout, null, 0);
    }

    public override int Wake(uint* word, int count)
    {
        if (_futexSyscall < 0)
            return -1;
        return (int)Syscall(_futexSyscall, word, FUTEX_WAKE, (uint)count, null, null, 0);
    }

    protected override int CreateExclusive(string path, uint mode, out int errno)
    {
        int fd = OpenCreate(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    protected override bool TryGetStatus(int fd, out UnixFileStatus status)
    {
        // statx has one layout on every Linux architecture, unlike struct stat.
        byte* buffer = stackalloc byte[256];
        if (Statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, buffer) != 0)
        {
            status = default;
            return false;
        }
        status = Parse(buffer);
        return true;
    }

    protected override bool TryGetPathStatus(string path, out UnixFileStatus status)
    {
        byte* buffer = stackalloc byte[256];
        if (Statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer) != 0)
        {
            status = default;
            return false;
        }
        status = Parse(buffer);
        return true;
    }

    private static UnixFileStatus Parse(byte* statx) => new(
        OwnerUid: *(uint*)(statx + 20),
        Mode: *(ushort*)(statx + 28),
        Size: *(long*)(statx + 40),
        Device: ((ulong)*(uint*)(statx + 136) << 32) | *(uint*)(statx + 140), // stx_dev_major, stx_dev_minor
        Inode: *(ulong*)(statx + 32));

    protected override string? NetworkFileSystemName(int fd)
    {
        byte* buffer = stackalloc byte[256];
        if (Libc.FStatFs(fd, buffer) != 0)
            return null;
        return (uint)*(long*)buffer switch
        {
            0x6969 => "NFS",
            0x517B => "SMB",
            0xFF534D42 => "CIFS",
            0xFE534D42 => "SMB2",
            0x65735546 => "FUSE",
            0x01021997 => "9P",
            0x00C36400 => "Ceph",
            0x5346414F => "AFS",
            0x73757245 => "Coda",
            0x0BD00BD0 => "Lustre",
            0x01161970 => "GFS2",
            0x7461636F => "OCFS2",
            _ => null,
        };
    }

    protected override int Reserve(int fd, long size) => PosixFallocate(fd, 0, size);

    // Linux's ABIs pass variadic integer arguments like fixed ones, so open's mode can be declared directly.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenCreate(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "posix_fallocate")]
    private static partial int PosixFallocate(int fd, long offset, long length);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, uint* address, int op, uint value, long* timeout, uint* address2, uint value3);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    public override bool TryGetCurrentThreadStack(out nuint low, out nuint high)
    {
        low = high = 0;
        // pthread_attr_t is 56 bytes on x64 glibc and 64 on arm64; musl's is smaller. Room for any of them.
        byte* attributes = stackalloc byte[128];
        try
        {
            if (PthreadGetAttrNp(PthreadSelf(), attributes) != 0)
                return false;
            void* address;
            nuint size;
            int result = PthreadAttrGetStack(attributes, &address, &size);
            PthreadAttrDestroy(attributes);
            if (result != 0 || size == 0)
                return false;
            low = (nuint)address;
            high = low + size;
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library older than glibc 2.34 keeps these in libpthread
        }
    }

    [LibraryImport("libc", EntryPoint = "pthread_self")]
    private static partial nuint PthreadSelf();

    [LibraryImport("libc", EntryPoint = "pthread_getattr_np")]
    private static partial int PthreadGetAttrNp(nuint thread, byte* attributes);

    [LibraryImport("libc", EntryPoint = "pthread_attr_getstack")]
    private static partial int PthreadAttrGetStack(byte* attributes, void** address, nuint* size);

    [LibraryImport("libc", EntryPoint = "pthread_attr_destroy")]
    private static partial int PthreadAttrDestroy(byte* attributes);
}
