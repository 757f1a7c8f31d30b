using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SharedStruct.Benchmarks.Baselines;

namespace SharedStruct.Benchmarks;

/// <summary>
/// Single process, no contention: each category has its baseline, all measured in the same run, so the Ratio column
/// compares like with like on whatever machine runs it.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class UncontendedBenchmarks
{
    public const string LockCategory = "lock+write+release";
    public const string GetCategory = "read one field";
    public const string SetCategory = "write one field";
    public const string AddCategory = "atomic add";
    public const string OpenCategory = "open existing";

    private readonly string _name = "bench-" + Environment.ProcessId;
    private SharedSegment<BenchPayload> _segment = null!;
    private GeneratedPayloadSegment _generated = null!;
    private NamedMutexRecipe _recipe = null!;
    private BenchPayload* _raw;
    private long _sink;

    [GlobalSetup]
    public void Setup()
    {
        _segment = SharedSegment<BenchPayload>.Open(_name);
        _raw = (BenchPayload*)Unsafe.AsPointer(ref _segment.GetUnsynchronizedReference());
        RobustPthreadMutex.Init(_raw->Mutex);
        _recipe = new NamedMutexRecipe(_name, create: true);
        _generated = GeneratedPayload.Open();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _segment.Delete();
        _segment.Dispose();
        _recipe.Dispose();
        _recipe.Delete();
        _generated.Delete();
        _generated.Dispose();
    }

    // ---------------------------------------------------------------- lock + write + release

    [Benchmark(Baseline = true), BenchmarkCategory(LockCategory)]
    public void BareCasPair()
    {
        CasSpinLock.Enter(ref _raw->SpinWord);
        _raw->Hits++;
        CasSpinLock.Exit(ref _raw->SpinWord);
    }

    [Benchmark, BenchmarkCategory(LockCategory)]
    public void SharedStructLock()
    {
        using var guard = _segment.Lock(TimeSpan.FromSeconds(1));
        guard.Value.Hits++;
    }

    [Benchmark, BenchmarkCategory(LockCategory)]
    public void RobustPthreadMutexPair()
    {
        RobustPthreadMutex.Lock(_raw->Mutex);
        _raw->Hits++;
        RobustPthreadMutex.Unlock(_raw->Mutex);
    }

    [Benchmark, BenchmarkCategory(LockCategory)]
    public void NamedMutexRecipePair()
    {
        _recipe.Lock();
        _recipe.Accessor.Write(0, _recipe.Accessor.ReadInt64(0) + 1);
        _recipe.Unlock();
    }

    // ---------------------------------------------------------------- read one field

    [Benchmark(Baseline = true), BenchmarkCategory(GetCategory)]
    public long CasLockRawRead()
    {
        CasSpinLock.Enter(ref _raw->SpinWord);
        long value = _raw->Hits;
        CasSpinLock.Exit(ref _raw->SpinWord);
        return value;
    }

    [Benchmark, BenchmarkCategory(GetCategory)]
    public long GeneratedPropertyGet() => _generated.Hits;

    [Benchmark, BenchmarkCategory(GetCategory)]
    public long SharedStructLockRead()
    {
        using var guard = _segment.Lock(TimeSpan.FromSeconds(1));
        return guard.Value.Hits;
    }

    [Benchmark, BenchmarkCategory(GetCategory)]
    public long RawPointerRead() => Volatile.Read(ref _raw->Hits);

    [Benchmark, BenchmarkCategory(GetCategory)]
    public long AccessorRead() => _recipe.Accessor.ReadInt64(0);

    // ---------------------------------------------------------------- write one field

    [Benchmark(Baseline = true), BenchmarkCategory(SetCategory)]
    public void CasLockRawWrite()
    {
        CasSpinLock.Enter(ref _raw->SpinWord);
        _raw->Other = ++_sink;
        CasSpinLock.Exit(ref _raw->SpinWord);
    }

    [Benchmark, BenchmarkCategory(SetCategory)]
    public void GeneratedPropertySet() => _generated.Other = ++_sink;

    [Benchmark, BenchmarkCategory(SetCategory)]
    public void RawPointerWrite() => Volatile.Write(ref _raw->Other, ++_sink);

    [Benchmark, BenchmarkCategory(SetCategory)]
    public void AccessorWrite() => _recipe.Accessor.Write(8, ++_sink);

    // ---------------------------------------------------------------- atomic add

    [Benchmark(Baseline = true), BenchmarkCategory(AddCategory)]
    public long InterlockedAddRawPointer() => Interlocked.Add(ref _raw->Hits, 1);

    [Benchmark, BenchmarkCategory(AddCategory)]
    public long GeneratedAdd() => _generated.AddHits(1);

    // ---------------------------------------------------------------- open

    [Benchmark(Baseline = true), BenchmarkCategory(OpenCategory)]
    public void OpenAndMapRaw() => RawMapping.OpenMapClose("/dev/shm/sharedstruct." + _name, SharedSegment.HeaderSize + 4096);

    [Benchmark, BenchmarkCategory(OpenCategory)]
    public void SharedSegmentOpenExisting()
    {
        using var segment = SharedSegment<BenchPayload>.Open(_name, OpenExisting);
    }

    private static readonly SharedSegmentOptions OpenExisting = new() { Mode = SegmentOpenMode.OpenExisting };
}

/// <summary>open + mmap + munmap + close of a /dev/shm file: the least work opening a segment can be.</summary>
internal static unsafe partial class RawMapping
{
    public static void OpenMapClose(string path, long size)
    {
        int fd = Open(path, 2);
        if (fd < 0)
            throw new IOException("open failed: " + path);
        void* p = Mmap(null, (nuint)size, 3, 1, fd, 0);
        Munmap(p, (nuint)size);
        Close(fd);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "open", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "mmap")]
    private static partial void* Mmap(void* addr, nuint length, int prot, int flags, int fd, long offset);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* addr, nuint length);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
