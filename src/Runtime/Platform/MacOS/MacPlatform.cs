using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using SharedStruct.Platform.Unix;

namespace SharedStruct.Platform.MacOS;

/// <summary>
/// macOS (compiled, not tested on a Mac): named segments are files in a private per-user directory rather than
/// shm_open objects, whose names are limited to 31 characters. There is no cross-process futex in the public SDK,
/// so a contended lock waits in short sleeps. macOS has no open-file-description byte locks either, so liveness is the
/// process id plus its start time from proc_pidinfo (<see cref="PidMarkers"/>); macOS has no PID namespaces to fool it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("macos")]
internal sealed unsafe partial class MacPlatform : UnixPlatform
{
    protected override int O_RDONLY => 0;
    protected override int O_RDWR => 2;
    protected override int O_NOFOLLOW => 0x100;
    protected override int O_CLOEXEC => 0x1000000;
    protected override int ELOOP => 62;
    public override int MsSync => 0x10;

    private ProcessIdentity? _current;

    protected override string DefaultDirectory => Path.Combine(Path.GetTempPath(), "sharedstruct");

    protected override string EnsureDefaultDirectory()
    {
        string directory = DefaultDirectory;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    public override ProcessIdentity CurrentProcess => _current ??= new ProcessIdentity(Environment.ProcessId, StartTime(Environment.ProcessId, out _));

    public override ProcessMarkers CreateMarkers(int fd, bool readOnly) => new PidMarkers(this);

    /// <summary>False only when the process is certainly gone, a zombie, or its id now names a later process.</summary>
    public bool IsAlive(int pid, long startTime)
    {
        if (pid <= 0)
            return false;
        long actual = StartTime(pid, out bool zombie);
        if (actual == 0)
            return Libc.Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != Libc.ESRCH;
        if (zombie)
            return false;
        return startTime == 0 || actual == startTime;
    }

    /// <summary>The process's start time in microseconds since 1970 from proc_pidinfo, or 0 when unreadable.</summary>
    private static long StartTime(int pid, out bool zombie)
    {
        // struct proc_bsdinfo (PROC_PIDTBSDINFO = 3), 136 bytes: pbi_status u32 at 4 (SZOMB = 5),
        // pbi_start_tvsec u64 at 120, pbi_start_tvusec u64 at 128.
        byte* info = stackalloc byte[136];
        zombie = false;
        if (ProcPidInfo(pid, 3, 0, info, 136) != 136)
            return 0;
        zombie = *(uint*)(info + 4) == 5;
        return (long)(*(ulong*)(info + 120) * 1_000_000 + *(ulong*)(info + 128));
    }

    public override void Wait(uint* word, uint expected, int timeoutMs)
    {
        if (timeoutMs > 0 && Volatile.Read(ref *word) == expected)
            Thread.Sleep(1);
    }

    public override int Wake(uint* word, int count) => -1;

    protected override int CreateExclusive(string path, uint mode, out int errno)
    {
        // open(2) is variadic and Apple arm64 passes variadic arguments on the stack, so the mode cannot be handed
        // to it through a fixed-arity P/Invoke; FileStream creates with O_CREAT|O_EXCL and the exact mode.
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.ReadWrite,
                UnixCreateMode = (UnixFileMode)mode,
            };
            using var stream = new FileStream(path, options);
            int fd = Dup((int)stream.SafeFileHandle.DangerousGetHandle());
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            return fd;
        }
        catch (IOException) when (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            errno = Libc.EEXIST;
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            errno = Libc.EACCES;
            return -1;
        }
    }

    protected override bool TryGetStatus(int fd, out UnixFileStatus status)
    {
        byte* buffer = stackalloc byte[144];
        if (FStat(fd, buffer) != 0)
        {
            status = default;
            return false;
        }
        status = Parse(buffer);
        return true;
    }

    protected override bool TryGetPathStatus(string path, out UnixFileStatus status)
    {
        byte* buffer = stackalloc byte[144];
        if (LStat(path, buffer) != 0)
        {
            status = default;
            return false;
        }
        status = Parse(buffer);
        return true;
    }

    // struct stat (64-bit inodes): st_dev i32 at 0, st_mode u16 at 4, st_ino u64 at 8, st_uid u32 at 16, st_size i64 at 96.
    private static UnixFileStatus Parse(byte* stat) =>
        new(*(uint*)(stat + 16), *(ushort*)(stat + 4), *(long*)(stat + 96), *(uint*)stat, *(ulong*)(stat + 8));

    protected override string? NetworkFileSystemName(int fd)
    {
        // struct statfs: f_flags u32 at 64 (MNT_LOCAL = 0x1000), f_fstypename char[16] at 72.
        byte* buffer = stackalloc byte[2168];
        if (Libc.FStatFs(fd, buffer) != 0)
            return null;
        uint flags = *(uint*)(buffer + 64);
        string type = Marshal.PtrToStringUTF8((nint)(buffer + 72)) ?? "unknown";
        return (flags & 0x1000) == 0 || type.StartsWith("fuse", StringComparison.Ordinal) || type == "macfuse" ? type : null;
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "proc_pidinfo")]
    private static partial int ProcPidInfo(int pid, int flavor, ulong argument, byte* buffer, int size);

    public override bool TryGetCurrentThreadStack(out nuint low, out nuint high)
    {
        // pthread_get_stackaddr_np gives the top (stacks grow down); the size runs down from there.
        nuint thread = PthreadSelf();
        high = (nuint)PthreadGetStackAddrNp(thread);
        nuint size = PthreadGetStackSizeNp(thread);
        low = high - size;
        return high != 0 && size != 0;
    }

    [LibraryImport("libc", EntryPoint = "pthread_self")]
    private static partial nuint PthreadSelf();

    [LibraryImport("libc", EntryPoint = "pthread_get_stackaddr_np")]
    private static partial void* PthreadGetStackAddrNp(nuint thread);

    [LibraryImport("libc", EntryPoint = "pthread_get_stacksize_np")]
    private static partial nuint PthreadGetStackSizeNp(nuint thread);
}
