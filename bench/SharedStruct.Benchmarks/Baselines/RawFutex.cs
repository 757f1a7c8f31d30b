using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SharedStruct.Benchmarks.Baselines;

/// <summary>
/// The floor for waking another process: a word in a /dev/shm mapping, FUTEX_WAIT on it and FUTEX_WAKE after changing
/// it, with the shared (not FUTEX_PRIVATE) futex ops, as any C program would. No lock, no registration, no timeout loop.
/// </summary>
internal static unsafe partial class RawFutex
{
    private const int FUTEX_WAIT = 0;
    private const int FUTEX_WAKE = 1;
    private const int O_RDWR = 2;
    private const int O_CREAT = 0x40;
    private const int PROT_READ_WRITE = 3;
    private const int MAP_SHARED = 1;

    private static readonly long FutexSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => throw new PlatformNotSupportedException("futex syscall number unknown for " + RuntimeInformation.ProcessArchitecture),
    };

    /// <summary>Sleeps while <paramref name="word"/> still reads <paramref name="expected"/> (returns at once otherwise).</summary>
    public static void Wait(uint* word, uint expected, int timeoutMs)
    {
        long* timeout = stackalloc long[2];
        timeout[0] = timeoutMs / 1000;
        timeout[1] = (timeoutMs % 1000) * 1_000_000L;
        Syscall(FutexSyscall, word, FUTEX_WAIT, expected, timeout, null, 0);
    }

    public static int WakeAll(uint* word) => (int)Syscall(FutexSyscall, word, FUTEX_WAKE, int.MaxValue, null, null, 0);

    /// <summary>Maps <paramref name="size"/> bytes of the file at <paramref name="path"/>, creating it if needed.</summary>
    public static byte* Map(string path, int size)
    {
        int fd = Open(path, O_RDWR | O_CREAT, 0x180 /* 0600 */);
        if (fd < 0)
            throw new IOException($"open {path} failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Ftruncate(fd, size) != 0)
                throw new IOException($"ftruncate {path} failed: errno {Marshal.GetLastPInvokeError()}");
            void* p = Mmap(null, (nuint)size, PROT_READ_WRITE, MAP_SHARED, fd, 0);
            if (p == (void*)-1)
                throw new IOException($"mmap {path} failed: errno {Marshal.GetLastPInvokeError()}");
            return (byte*)p;
        }
        finally
        {
            Close(fd);
        }
    }

    public static void Unmap(byte* pointer, int size) => Munmap(pointer, (nuint)size);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, uint* address, int op, uint value, long* timeout, uint* address2, uint value3);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* addr, nuint length);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
