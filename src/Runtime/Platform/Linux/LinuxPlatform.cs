using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using SharedStruct.Platform.Unix;

namespace SharedStruct.Platform.Linux;

/// <summary>
/// Linux: named segments are files in /dev/shm (tmpfs), the lock sleeps on a shared (not PRIVATE) futex, and a
/// process is identified by its id plus its start time from /proc, which survives process id reuse.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe partial class LinuxPlatform : UnixPlatform
{
    private const int FUTEX_WAIT = 0;
    private const int FUTEX_WAKE = 1;
    private const int AT_EMPTY_PATH = 0x1000;
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
        _current ??= new ProcessIdentity(Environment.ProcessId, ReadStartTime(Environment.ProcessId, out _) ?? 0);

    public override bool IsAlive(int pid, long startTime)
    {
        if (pid <= 0)
            return false;
        long? actual = ReadStartTime(pid, out bool zombie);
        if (actual is null)
        {
            // No /proc entry we could read: fall back to asking the kernel whether the id exists at all.
            if (Kill(pid, 0) == 0)
                return true;
            return Marshal.GetLastPInvokeError() != Libc.ESRCH;
        }
        if (zombie)
            return false; // killed but not yet reaped: it will never release anything
        return startTime == 0 || actual.Value == startTime;
    }

    /// <summary>Field 22 of /proc/PID/stat: start time in clock ticks after boot. Null when unreadable.</summary>
    private static long? ReadStartTime(int pid, out bool zombie)
    {
        zombie = false;
        string text;
        try
        {
            text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        // The command name (field 2) may hold spaces and parentheses: parse after its last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0)
            return null;
        string[] rest = text.Substring(close + 2).Split(' ');
        // rest[0] is field 3 (state); field 22 is rest[19].
        if (rest.Length < 20)
            return null;
        zombie = rest[0] == "Z" || rest[0] == "X";
        return long.TryParse(rest[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : null;
    }

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

    public override void Wake(uint* word)
    {
        if (_futexSyscall >= 0)
            Syscall(_futexSyscall, word, FUTEX_WAKE, 1, null, null, 0);
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
        status = new UnixFileStatus(
            OwnerUid: *(uint*)(buffer + 20),
            Mode: *(ushort*)(buffer + 28),
            Size: *(long*)(buffer + 40));
        return true;
    }

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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
