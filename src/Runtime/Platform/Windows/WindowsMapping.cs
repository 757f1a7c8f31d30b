using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace SharedStruct.Platform.Windows;

/// <summary>
/// A view of a section (page-file-backed or over a file), plus the named auto-reset event that contended lockers of
/// the segment sleep on. Watchers sleep on named manual-reset events, one per value of the change word.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
internal sealed unsafe class WindowsMapping : PlatformMapping
{
    private nint _section;
    private nint _file;
    private nint _wakeEvent;
    private readonly string? _filePath;
    private readonly string _markerPrefix;
    /// <summary>The start of the change events' names; the change word's value follows it.</summary>
    private readonly string _changeEventPrefix;
    private byte* _writableHeader;
    private readonly object _gate = new();

    public WindowsMapping(byte* pointer, long length, bool created, bool readOnly, string location, nint section, nint file, nint wakeEvent, string? filePath, string markerPrefix)
    {
        _markerPrefix = markerPrefix;
        _changeEventPrefix = markerPrefix + ".change.";
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

    /// <remarks>
    /// Not one shared semaphore released once per sleeper: a token is not addressed, so a watcher that had already woken
    /// for this change and went back to sleep could take the token of one that had counted itself a sleeper but was not
    /// yet in the kernel wait, and that one then slept through the change (seen under Wine, a few times in a thousand
    /// changes with several watchers, without the safety poll). An event per value of the word is left set for every
    /// sleeper that expected that value, however late it gets to its wait, and cannot wake one that expects another.
    /// </remarks>
    public override void WaitChange(uint* word, uint expected, int timeoutMs, CancellationToken cancellationToken)
    {
        if (timeoutMs <= 0 || Volatile.Read(ref *word) != expected)
            return;
        char* name = stackalloc char[ChangeEventNameChars];
        FormatChangeEventName(name, expected);
        nint changed = Win32.CreateEventW(null, manualReset: 1, initialState: 0, name);
        if (changed == 0)
        {
            Thread.Sleep(1); // no event could be had (another user's name, no handles left): poll
            return;
        }
        try
        {
            // The event exists from here on, so the writer that moves the word off this value finds and sets it. A writer
            // that moved it earlier may have found no event: its change shows in this second look.
            if (Volatile.Read(ref *word) != expected)
                return;
            if (!cancellationToken.CanBeCanceled)
            {
                Win32.WaitForSingleObject(changed, (uint)timeoutMs);
                return;
            }
            nint* handles = stackalloc nint[2];
            handles[0] = changed;
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
        finally
        {
            Win32.CloseHandle(changed);
        }
    }

    public override int WakeChange(uint* word, uint changedFrom, int sleepers)
    {
        // A watcher counts itself a sleeper before its last look at the word, and the caller moved the word before it
        // read the count: at zero, nobody sleeps on the old value and nobody will.
        if (sleepers <= 0)
            return 0;
        char* name = stackalloc char[ChangeEventNameChars];
        FormatChangeEventName(name, changedFrom);
        nint changed = Win32.OpenEventW(Win32.EVENT_MODIFY_STATE, 0, name);
        if (changed == 0)
            return Win32.LastError == Win32.ERROR_FILE_NOT_FOUND ? 0 : -1; // -1: another user's event; its watcher polls
        Win32.SetEvent(changed);
        Win32.CloseHandle(changed);
        return 1; // at least one watcher holds it
    }

    public override void InterruptChangeWaits(uint* word)
    {
        // Cancellation is a handle in the wait itself (WaitChange); nothing to do.
    }

    /// <summary>Room for the prefix, a 32-bit value in decimal and the terminating null.</summary>
    private int ChangeEventNameChars => _changeEventPrefix.Length + 11;

    private void FormatChangeEventName(char* buffer, uint value)
    {
        var name = new Span<char>(buffer, ChangeEventNameChars);
        _changeEventPrefix.AsSpan().CopyTo(name);
        value.TryFormat(name.Slice(_changeEventPrefix.Length), out int digits, provider: CultureInfo.InvariantCulture);
        name[_changeEventPrefix.Length + digits] = '\0';
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
