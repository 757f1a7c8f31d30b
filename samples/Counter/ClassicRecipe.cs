using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace SharedStruct.Samples.Counter;

/// <summary>
/// The same job done the classic way, as a .NET user writes it: a memory-mapped file plus a named Mutex taken around
/// every access (WaitOne(1000) / ReleaseMutex). On Linux a named mapping is not supported, so the mapping is a file
/// in the segment directory.
/// </summary>
internal sealed class ClassicRecipe : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Mutex _mutex;
    private readonly string? _path;

    public ClassicRecipe(string directory, bool create)
    {
        const string name = "sharedstruct-sample-recipe";
        if (OperatingSystem.IsWindows())
        {
            _file = MemoryMappedFile.CreateOrOpen("Local\\" + name, 4096);
        }
        else
        {
            string path = Path.Combine(directory, name);
            if (create)
                _path = path; // the creator removes the file at the end
            var stream = new FileStream(path, create ? FileMode.Create : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            if (create)
                stream.SetLength(4096);
            _file = MemoryMappedFile.CreateFromFile(stream, null, 4096, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        }
        _view = _file.CreateViewAccessor(0, 4096);
        _mutex = new Mutex(false, name);
    }

    public long Count => _view.ReadInt64(0);

    public void Increment()
    {
        try
        {
            if (!_mutex.WaitOne(1000))
                throw new TimeoutException("the classic recipe's named mutex timed out");
        }
        catch (AbandonedMutexException)
        {
        }
        _view.Write(0, _view.ReadInt64(0) + 1);
        _mutex.ReleaseMutex();
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
        _mutex.Dispose();
        if (_path is not null)
            File.Delete(_path);
    }
}
