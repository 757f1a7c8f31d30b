using System;
using System.IO;
using System.Runtime.InteropServices;
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
    private readonly string _markerPrefix;
    /// <summary>The named semaphore watchers sleep on (opened at the first watch or change), -1 when none could be had.</summary>
    private nint _changeSemaphore;
    private byte* _writableHeader;
    private readonly object _gate = new();

    public WindowsMapping(byte* pointer, long length, bool created, bool readOnly, string location, nint section, nint file, nint wakeEvent, string? filePath, string markerPrefix)
    {
        _markerPrefix = markerPrefix;
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

    public override void WaitChange(uint* word, uint expected, int timeoutMs, CancellationToken cancellationToken)
    {
        if (timeoutMs <= 0 || Volatile.Read(ref *word) != expected)
            return;
        nint semaphore = ChangeSemaphore();
        if (semaphore == -1)
        {
            Thread.Sleep(1); // no semaphore: poll
            return;
        }
        // A release that came before this wait stays counted in the semaphore, so it is not lost; an extra wake-up
        // only makes the caller look at the version again.
        if (!cancellationToken.CanBeCanceled)
        {
            Win32.WaitForSingleObject(semaphore, (uint)timeoutMs);
            return;
        }
        nint* handles = stackalloc nint[2];
        handles[0] = semaphore;
        bool added = false;
        SafeHandle cancel = cancellationToken.WaitHandle.SafeWaitHandle;
        try
        {
            cancel.DangerousAddRef(ref added);
            handles[1] = cancel.DangerousGetHandle();
            Win32.WaitForMultipleObjects(2, handles, waitAll: 0, (uint)timeoutMs);
        }
        finally
        {
            if (added)
                cancel.DangerousRelease();
        }
    }

    public override int WakeChange(uint* word, int sleepers)
    {
        nint semaphore = ChangeSemaphore();
        if (semaphore != -1)
            Win32.ReleaseSemaphore(semaphore, Math.Max(sleepers, 1), null);
        return -1; // a semaphore does not say whom it woke
    }

    public override void InterruptChangeWaits(uint* word)
    {
        // Cancellation is a handle in the wait itself (WaitChange); nothing to do.
    }

    private nint ChangeSemaphore()
    {
        nint semaphore = Volatile.Read(ref _changeSemaphore);
        if (semaphore != 0)
            return semaphore;
        lock (_gate)
        {
            if (_changeSemaphore != 0)
                return _changeSemaphore;
            string name = _markerPrefix + ".change";
            nint handle = Win32.CreateSemaphoreW(null, 0, int.MaxValue, name);
            if (handle == 0)
                handle = Win32.OpenSemaphoreW(Win32.SYNCHRONIZE | Win32.SEMAPHORE_MODIFY_STATE, 0, name);
            if (handle == 0)
                handle = Win32.OpenSemaphoreW(Win32.SYNCHRONIZE, 0, name); // another user's: may wait, not release
            _changeSemaphore = handle == 0 ? -1 : handle;
            return _changeSemaphore;
        }
    }

    public override byte* WritableHeader()
    {
        if (!ReadOnly)
            return Pointer;
        lock (_gate)
        {
            if (_writableHeader != null || _file != 0)
                return _writableHeader; // a read-only view of a file keeps its read-only handle: its watchers poll
            nint section = Win32.OpenFileMappingW(Win32.FILE_MAP_READ | Win32.FILE_MAP_WRITE, 0, Location);
            if (section == 0)
                return null; // this user may only read the segment
            _writableHeader = (byte*)Win32.MapViewOfFile(section, Win32.FILE_MAP_READ | Win32.FILE_MAP_WRITE, 0, 0, (nuint)SharedStruct.Format.SegmentHeader.Size);
            Win32.CloseHandle(section); // the view keeps the section alive
            return _writableHeader;
        }
    }

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
        nint semaphore = Interlocked.Exchange(ref _changeSemaphore, 0);
        if (semaphore != 0 && semaphore != -1)
            Win32.CloseHandle(semaphore);
        byte* header = _writableHeader;
        if (header != null)
        {
            _writableHeader = null;
            Win32.UnmapViewOfFile(header);
        }
    }

    private static void Close(ref nint handle)
    {
        nint h = Interlocked.Exchange(ref handle, 0);
        if (h != 0)
            Win32.CloseHandle(h);
    }
}
