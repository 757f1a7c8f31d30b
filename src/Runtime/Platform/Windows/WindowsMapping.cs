using System;
using System.IO;
using System.Threading;

namespace SharedStruct.Platform.Windows;

/// <summary>
/// A view of a section (page-file-backed or over a file), plus the named auto-reset event that contended lockers of
/// the segment sleep on.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
internal sealed unsafe class WindowsMapping : PlatformMapping
{
    private nint _section;
    private nint _file;
    private nint _wakeEvent;
    private readonly string? _filePath;

    public WindowsMapping(byte* pointer, long length, bool created, bool readOnly, string location, nint section, nint file, nint wakeEvent, string? filePath, string markerPrefix)
    {
        Markers = new EventMarkers(markerPrefix);
        Pointer = pointer;
        Length = length;
        Created = created;
        ReadOnly = readOnly;
        Location = location;
        _section = section;
        _file = file;
        _wakeEvent = wakeEvent;
        _filePath = filePath;
    }

    public override void Flush()
    {
        if (Pointer == null)
            throw new ObjectDisposedException(Location);
        if (_file == 0)
            return; // page-file-backed: there is no file to write to
        // FlushViewOfFile starts the writes of dirty pages; FlushFileBuffers waits until the file (and its metadata) is on disk.
        if (Win32.FlushViewOfFile(Pointer, 0) == 0)
            throw new IOException($"Flushing segment file '{Location}' failed: {Win32.Describe(Win32.LastError)}.");
        if (!ReadOnly && Win32.FlushFileBuffers(_file) == 0)
            throw new IOException($"Flushing segment file '{Location}' to disk failed: {Win32.Describe(Win32.LastError)}.");
    }

    public override void Wait(uint* word, uint expected, int timeoutMs)
    {
        if (timeoutMs <= 0 || Volatile.Read(ref *word) != expected)
            return;
        if (_wakeEvent == 0)
        {
            Thread.Sleep(1); // no event could be had (see WindowsPlatform.OpenWakeEvent): poll
            return;
        }
        // An auto-reset event remembers a SetEvent that came before this wait, so a release between the check above
        // and the wait is not lost; an extra wake-up is harmless because the lock loop re-reads the word.
        Win32.WaitForSingleObject(_wakeEvent, (uint)timeoutMs);
    }

    public override ProcessMarkers Markers { get; }

    public override int Wake(uint* word, int count)
    {
        if (_wakeEvent != 0)
            Win32.SetEvent(_wakeEvent);
        return -1; // an event does not say whether anyone slept on it
    }

    /// <summary>
    /// A page-file-backed section disappears with its last handle, so closing is removing (unless another process
    /// opened it meanwhile). A file this call created is deleted.
    /// </summary>
    public override void RemoveBacking()
    {
        ReleaseHandles();
        if (_filePath is not null)
            Win32.DeleteFileW(_filePath);
    }

    protected override void Dispose(bool disposing) => ReleaseHandles();

    private void ReleaseHandles()
    {
        Markers.ReleaseAll();
        byte* p = Pointer;
        if (p != null)
        {
            Pointer = null;
            Win32.UnmapViewOfFile(p);
        }
        Close(ref _section);
        Close(ref _file);
        Close(ref _wakeEvent);
    }

    private static void Close(ref nint handle)
    {
        nint h = Interlocked.Exchange(ref handle, 0);
        if (h != 0)
            Win32.CloseHandle(h);
    }
}
