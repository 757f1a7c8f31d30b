using System.Collections.Generic;

namespace SharedStruct.Platform.Windows;

/// <summary>
/// Markers as named kernel events: a row's owner creates an event whose name carries the row and its incarnation and
/// keeps the handle open; Windows destroys a named object with its last handle, so the name exists exactly while the
/// owner lives. Asking is opening the name: found (or access denied: it exists, whoever owns it) means alive. Neither a
/// process id nor a creation time is judged, so an unreadable process is never taken for dead.
/// </summary>
/// <remarks>
/// Windows offers no way to prove that nobody else has a section open, and does not need one: a page-file-backed
/// segment vanishes with its last handle and cannot be deleted by name. Attach probes therefore see nobody.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
internal sealed class EventMarkers : ProcessMarkers
{
    private readonly string _baseName;
    private readonly Dictionary<string, nint> _held = new();

    /// <param name="baseName">The segment's kernel object name (with its Local\ or Global\ prefix) or the file's event prefix.</param>
    public EventMarkers(string baseName) => _baseName = baseName;

    public override bool TryAttach(bool readOnly) => true;

    public override bool OthersAttached(out bool readers)
    {
        readers = false;
        return false;
    }

    public override bool TryHoldExclusive() => true;

    public override void ReleaseExclusive(bool stayAttached)
    {
    }

    public override bool TryHoldSlot(int index, uint incarnation) => TryCreate(SlotName(index, incarnation));

    public override void ReleaseSlot(int index, uint incarnation) => Close(SlotName(index, incarnation));

    public override bool IsSlotHeld(int index, uint incarnation, int pid, long startTime) => Exists(SlotName(index, incarnation));

    public override bool TryHoldInit() => TryCreate(_baseName + ".init");

    public override void ReleaseInit() => Close(_baseName + ".init");

    public override bool IsInitHeld(int creatorPid, long creatorStartTime) => Exists(_baseName + ".init");

    public override bool TryHoldWatching()
    {
        // One event shared by every watcher: it exists while any of them keeps its handle.
        string name = _baseName + ".watching";
        lock (_held)
        {
            if (_held.ContainsKey(name))
                return true;
        }
        unsafe
        {
            nint handle = Win32.CreateEventW(null, manualReset: 1, initialState: 0, name);
            if (handle == 0)
                return false;
            lock (_held)
                _held[name] = handle;
        }
        return true;
    }

    public override void ReleaseWatching() => Close(_baseName + ".watching");

    public override bool OthersWatching() => Exists(_baseName + ".watching");

    public override void ReleaseAll()
    {
        lock (_held)
        {
            foreach (nint handle in _held.Values)
                Win32.CloseHandle(handle);
            _held.Clear();
        }
    }

    private string SlotName(int index, uint incarnation) => $"{_baseName}.s{index}.{incarnation}";

    private unsafe bool TryCreate(string name)
    {
        nint handle = Win32.CreateEventW(null, manualReset: 1, initialState: 0, name);
        int error = Win32.LastError;
        if (handle == 0)
            return false;
        if (error == Win32.ERROR_ALREADY_EXISTS)
        {
            Win32.CloseHandle(handle); // a live owner has it
            return false;
        }
        lock (_held)
            _held[name] = handle;
        return true;
    }

    private void Close(string name)
    {
        lock (_held)
        {
            if (_held.Remove(name, out nint handle))
                Win32.CloseHandle(handle);
        }
    }

    private static bool Exists(string name)
    {
        nint handle = Win32.OpenEventW(Win32.SYNCHRONIZE, 0, name);
        if (handle != 0)
        {
            Win32.CloseHandle(handle);
            return true;
        }
        // Not found: nobody holds it. Anything else (access denied to another user's event, a name used by another
        // kind of object) means the name exists: never judge a holder dead on a failed question.
        return Win32.LastError != Win32.ERROR_FILE_NOT_FOUND;
    }
}
