using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using SharedStruct.Platform.Unix;

namespace SharedStruct.Platform.MacOS;

/// <summary>
/// macOS (compiled, not tested on a Mac): named segments are files in a private per-user directory rather than
/// shm_open objects, whose names are limited to 31 characters. There is no cross-process futex in the public SDK,
/// so a contended lock waits in short sleeps; process start time is not read, so liveness is by process id alone.
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

    public override ProcessIdentity CurrentProcess => _current ??= new ProcessIdentity(Environment.ProcessId, 0);

    public override bool IsAlive(int pid, long startTime)
    {
        if (pid <= 0)
            return false;
        return Libc.Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != Libc.ESRCH;
    }

    public override void Wait(uint* word, uint expected, int timeoutMs)
    {
        if (timeoutMs > 0 && Volatile.Read(ref *word) == expected)
            Thread.Sleep(1);
    }

    public override void Wake(uint* word)
    {
    }

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
        // struct stat (64-bit inodes): st_mode u16 at 4, st_uid u32 at 16, st_size i64 at 96.
        byte* buffer = stackalloc byte[144];
        if (FStat(fd, buffer) != 0)
        {
            status = default;
            return false;
        }
        status = new UnixFileStatus(*(uint*)(buffer + 16), *(ushort*)(buffer + 4), *(long*)(buffer + 96));
        return true;
    }

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
}
