using System;
using System.Runtime.InteropServices;

namespace SharedStruct.Benchmarks.Baselines;

/// <summary>
/// A robust, process-shared pthread mutex in shared memory, through P/Invoke (glibc, Linux x64/arm64): what C code
/// would use. Kept to lock/unlock; EOWNERDEAD handling is not exercised by the uncontended benchmark.
/// </summary>
internal static unsafe partial class RobustPthreadMutex
{
    public const int Size = 64; // pthread_mutex_t is 40 bytes on glibc x64 and 48 on arm64

    private const int PTHREAD_PROCESS_SHARED = 1;
    private const int PTHREAD_MUTEX_ROBUST = 1;
    private const int EOWNERDEAD = 130;

    public static void Init(byte* mutex)
    {
        byte* attr = stackalloc byte[16];
        Check(MutexAttrInit(attr), "pthread_mutexattr_init");
        Check(MutexAttrSetPShared(attr, PTHREAD_PROCESS_SHARED), "pthread_mutexattr_setpshared");
        Check(MutexAttrSetRobust(attr, PTHREAD_MUTEX_ROBUST), "pthread_mutexattr_setrobust");
        Check(MutexInit(mutex, attr), "pthread_mutex_init");
        MutexAttrDestroy(attr);
    }

    public static void Lock(byte* mutex)
    {
        int rc = MutexLock(mutex);
        if (rc == EOWNERDEAD)
            MutexConsistent(mutex);
        else if (rc != 0)
            Check(rc, "pthread_mutex_lock");
    }

    public static void Unlock(byte* mutex) => MutexUnlock(mutex);

    private static void Check(int rc, string what)
    {
        if (rc != 0)
            throw new InvalidOperationException($"{what} failed: {rc}");
    }

    [LibraryImport("libc", EntryPoint = "pthread_mutexattr_init")] private static partial int MutexAttrInit(byte* attr);
    [LibraryImport("libc", EntryPoint = "pthread_mutexattr_setpshared")] private static partial int MutexAttrSetPShared(byte* attr, int shared);
    [LibraryImport("libc", EntryPoint = "pthread_mutexattr_setrobust")] private static partial int MutexAttrSetRobust(byte* attr, int robust);
    [LibraryImport("libc", EntryPoint = "pthread_mutexattr_destroy")] private static partial int MutexAttrDestroy(byte* attr);
    [LibraryImport("libc", EntryPoint = "pthread_mutex_init")] private static partial int MutexInit(byte* mutex, byte* attr);
    [LibraryImport("libc", EntryPoint = "pthread_mutex_lock")] private static partial int MutexLock(byte* mutex);
    [LibraryImport("libc", EntryPoint = "pthread_mutex_unlock")] private static partial int MutexUnlock(byte* mutex);
    [LibraryImport("libc", EntryPoint = "pthread_mutex_consistent")] private static partial int MutexConsistent(byte* mutex);
}
