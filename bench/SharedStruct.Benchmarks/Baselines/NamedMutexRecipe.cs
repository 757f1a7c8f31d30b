using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace SharedStruct.Benchmarks.Baselines;

/// <summary>
/// The classic recipe as a .NET user writes it on Linux (named mappings throw PlatformNotSupportedException there):
/// a MemoryMappedFile over a /dev/shm file, and a named Mutex taken around every access with a 1000 ms timeout.
/// </summary>
internal sealed class NamedMutexRecipe : IDisposable
{
    private readonly string _path;
    private readonly MemoryMappedFile _file;
    private readonly Mutex _mutex;

    public NamedMutexRecipe(string name, bool create)
    {
        _path = "/dev/shm/sharedstruct-recipe." + name;
        var stream = new FileStream(_path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (create && stream.Length < 4096)
            stream.SetLength(4096);
        _file = MemoryMappedFile.CreateFromFile(stream, null, 4096, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        Accessor = _file.CreateViewAccessor(0, 4096);
        _mutex = new Mutex(false, "sharedstruct-recipe." + name);
    }

    public MemoryMappedViewAccessor Accessor { get; }

    public void Lock()
    {
        try
        {
            if (!_mutex.WaitOne(1000))
                throw new TimeoutException("named mutex timed out");
        }
        catch (AbandonedMutexException)
        {
            // The recipe's owner died; the mutex is now ours.
        }
    }

    public void Unlock() => _mutex.ReleaseMutex();

    public void Dispose()
    {
        Accessor.Dispose();
        _file.Dispose();
        _mutex.Dispose();
    }

    public void Delete() => File.Delete(_path);
}
