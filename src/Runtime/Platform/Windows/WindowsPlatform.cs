using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using SharedStruct.Format;

namespace SharedStruct.Platform.Windows;

/// <summary>
/// Windows: a named segment is a page-file-backed section ("Local\sharedstruct.NAME", or "Global\…"), a contended
/// lock sleeps on a named auto-reset event beside it, and liveness is named events that exist exactly while their
/// owner lives (<see cref="EventMarkers"/>), never a judgement of a process id.
/// </summary>
/// <remarks>
/// Lifetime differs from Unix: a page-file-backed section exists only while some process has it open. When the last
/// process closes (or dies), the segment and its contents are gone; there is nothing to delete, so
/// <see cref="Delete"/> returns false, and the names of segments cannot be enumerated. A file-backed segment
/// outlives its processes as on Unix.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
internal sealed unsafe class WindowsPlatform : IPlatform
{
    private const string Prefix = "sharedstruct.";

    private ProcessIdentity? _current;

    public ProcessIdentity CurrentProcess => _current ??= new ProcessIdentity(Environment.ProcessId, CreationTime(Win32.GetCurrentProcess()));

    /// <summary>The process's creation time as a FILETIME (100 ns ticks since 1601), or 0 when unreadable.</summary>
    private static long CreationTime(nint process)
    {
        long creation, exit, kernel, user;
        return Win32.GetProcessTimes(process, &creation, &exit, &kernel, &user) != 0 ? creation : 0;
    }

    public string Locate(string name, SharedSegmentOptions options) => Namespace(options) + Prefix + name;

    private static string Namespace(SharedSegmentOptions options) => options.Global ? "Global\\" : "Local\\";

    /// <summary>
    /// A page-file-backed section cannot be removed while a process has it open, and vanishes by itself when the last
    /// one closes it: there is never anything to delete.
    /// </summary>
    public bool Delete(string name, SharedSegmentOptions options, bool force) => false;

    /// <summary>Windows offers no supported way to list the named sections of a namespace.</summary>
    public IEnumerable<string> EnumerateNames(SharedSegmentOptions options) => Array.Empty<string>();

    public bool TryGetCurrentThreadStack(out nuint low, out nuint high)
    {
        Win32.GetCurrentThreadStackLimits(out low, out high);
        return high > low;
    }

    public PlatformMapping Open(MappingRequest request, DateTime deadlineUtc)
    {
        void* descriptor = request.ReadOnly ? null : WindowsSecurity.CreateDescriptor(request.Options.Sharing);
        try
        {
            var attributes = new Win32.SecurityAttributes
            {
                Length = (uint)sizeof(Win32.SecurityAttributes),
                SecurityDescriptor = descriptor,
            };
            return request.FilePath is null
                ? OpenNamed(request, &attributes)
                : OpenFile(request, &attributes, deadlineUtc);
        }
        finally
        {
            if (descriptor != null)
                Win32.LocalFree(descriptor);
        }
    }

    // ------------------------------------------------------------------ named (page-file-backed) segments

    private static PlatformMapping OpenNamed(MappingRequest request, Win32.SecurityAttributes* attributes)
    {
        string objectName = Namespace(request.Options) + Prefix + request.Name;
        string what = $"segment '{request.Name}' ({objectName})";
        bool readOnly = request.ReadOnly;
        bool ownerOnly = request.Options.Sharing == SegmentSharing.OwnerOnly;

        while (true)
        {
            nint section = 0;
            bool created = false;
            if (!readOnly && request.Mode != SegmentOpenMode.OpenExisting)
            {
                section = Win32.CreateFileMappingW(Win32.InvalidHandleValue, attributes, Win32.PAGE_READWRITE,
                    (uint)((ulong)request.Size >> 32), (uint)request.Size, objectName);
                int error = Win32.LastError;
                if (section == 0)
                    throw Failed("create", what, error);
                if (error != Win32.ERROR_ALREADY_EXISTS)
                {
                    created = true;
                }
                else
                {
                    // Reopen below with exactly the access we need (and READ_CONTROL for the owner check).
                    Win32.CloseHandle(section);
                    section = 0;
                    if (request.Mode == SegmentOpenMode.CreateNew)
                        throw new IOException($"Cannot create {what}: it already exists (mode CreateNew). Open it with CreateOrOpen or OpenExisting, or close the processes that use it.");
                }
            }

            if (!created)
            {
                uint access = (readOnly ? Win32.FILE_MAP_READ : Win32.FILE_MAP_READ | Win32.FILE_MAP_WRITE) | (ownerOnly ? Win32.READ_CONTROL : 0);
                section = Win32.OpenFileMappingW(access, 0, objectName);
                if (section == 0)
                {
                    int error = Win32.LastError;
                    if (error == Win32.ERROR_FILE_NOT_FOUND)
                    {
                        // Its last process closed it between our create and this open: try creating again.
                        if (!readOnly && request.Mode == SegmentOpenMode.CreateOrOpen)
                            continue;
                        throw new FileNotFoundException($"There is no {what}. Create it first (mode CreateOrOpen or CreateNew); on Windows a segment lives only while some process has it open.", objectName);
                    }
                    throw Failed("open", what, error);
                }
            }

            nint wakeEvent = 0;
            try
            {
                if (!created && ownerOnly)
                    CheckOwner(section, what);
                byte* view = (byte*)Win32.MapViewOfFile(section, readOnly ? Win32.FILE_MAP_READ : Win32.FILE_MAP_READ | Win32.FILE_MAP_WRITE, 0, 0, 0);
                if (view == null)
                    throw new IOException($"Cannot map {what}: {Win32.Describe(Win32.LastError)}.");
                // An existing section keeps the size its creator gave it; map and report that, so the core can tell a
                // segment made for another payload size.
                long length = created ? request.Size : ViewSize(view);
                if (!readOnly)
                    wakeEvent = OpenWakeEvent(objectName + ".wake", attributes);
                return new WindowsMapping(view, length, created, readOnly, objectName, section, file: 0, wakeEvent, filePath: null, markerPrefix: objectName);
            }
            catch
            {
                Win32.CloseHandle(section);
                if (wakeEvent != 0)
                    Win32.CloseHandle(wakeEvent);
                throw;
            }
        }
    }

    private static void CheckOwner(nint section, string what)
    {
        string? owner = WindowsSecurity.OwnerOf(section, Win32.SE_KERNEL_OBJECT);
        string me = WindowsSecurity.UserSid;
        // The handle was opened with READ_CONTROL, so an unreadable owner is a kernel oddity, not a squatter's doing.
        if (owner is not null && !string.Equals(owner, me, StringComparison.OrdinalIgnoreCase))
            throw new UnauthorizedAccessException(
                $"Refusing {what}: it belongs to {owner}, not to this user ({me}). Another user's segment could feed this process forged data. " +
                "Pick another name, or opt in to sharing with SharedSegmentOptions.Sharing = Group or Everyone.");
    }

    private static long ViewSize(byte* view)
    {
        byte* info = stackalloc byte[64];
        if (Win32.VirtualQuery(view, info, 64) == 0)
            throw new IOException($"Cannot query the size of a mapped segment: {Win32.Describe(Win32.LastError)}.");
        return (long)*(nuint*)(info + Win32.RegionSizeOffset);
    }

    /// <summary>The event contended lockers sleep on; 0 (polling) if it cannot be had, e.g. another user squats its name.</summary>
    private static nint OpenWakeEvent(string name, Win32.SecurityAttributes* attributes)
    {
        // Auto-reset: one SetEvent releases one sleeper, matching the one futex wake per release on Linux.
        return Win32.CreateEventW(attributes, manualReset: 0, initialState: 0, name);
    }

    // ------------------------------------------------------------------ file-backed segments

    private static PlatformMapping OpenFile(MappingRequest request, Win32.SecurityAttributes* attributes, DateTime deadlineUtc)
    {
        string path = Path.GetFullPath(request.FilePath!);
        string what = $"segment file '{path}'";
        bool readOnly = request.ReadOnly;
        if (!request.Options.AllowNetworkFileSystem)
            CheckLocalDrive(path, what);

        uint disposition = readOnly || request.Mode == SegmentOpenMode.OpenExisting ? Win32.OPEN_EXISTING
            : request.Mode == SegmentOpenMode.CreateNew ? Win32.CREATE_NEW
            : Win32.OPEN_ALWAYS;
        nint file = Win32.CreateFileW(path, readOnly ? Win32.GENERIC_READ : Win32.GENERIC_READ | Win32.GENERIC_WRITE,
            Win32.FILE_SHARE_READ | Win32.FILE_SHARE_WRITE | Win32.FILE_SHARE_DELETE,
            readOnly ? null : attributes, disposition, Win32.FILE_ATTRIBUTE_NORMAL, 0);
        int openError = Win32.LastError;
        if (file == Win32.InvalidHandleValue)
        {
            if (openError == Win32.ERROR_FILE_EXISTS)
                throw new IOException($"Cannot create {what}: it already exists (mode CreateNew). Open it with CreateOrOpen or OpenExisting, or delete it first.");
            if (openError == Win32.ERROR_FILE_NOT_FOUND && disposition == Win32.OPEN_EXISTING)
                throw new FileNotFoundException($"There is no {what}. Create it first (mode CreateOrOpen or CreateNew).", path);
            if (openError == Win32.ERROR_PATH_NOT_FOUND)
                throw new DirectoryNotFoundException($"Cannot open {what}: its directory does not exist.");
            throw Failed(disposition == Win32.OPEN_EXISTING ? "open" : "create", what, openError);
        }
        bool created = disposition == Win32.CREATE_NEW || (disposition == Win32.OPEN_ALWAYS && openError != Win32.ERROR_ALREADY_EXISTS);

        nint section = 0;
        nint wakeEvent = 0;
        byte* view = null;
        try
        {
            long length;
            if (created)
            {
                length = request.Size;
                // A section larger than its file grows the file (with zeros) to the section's size.
                section = Win32.CreateFileMappingW(file, null, Win32.PAGE_READWRITE, (uint)((ulong)length >> 32), (uint)length, null);
            }
            else
            {
                // A creator that won the race may not have grown the file yet: wait for it, within the deadline.
                length = FileSize(file, what);
                while (length == 0 && DateTime.UtcNow < deadlineUtc)
                {
                    Thread.Sleep(1);
                    length = FileSize(file, what);
                }
                if (length == 0)
                    throw new InvalidDataException(
                        $"Segment file '{path}' is an empty (zero-length) file: it is not a SharedStruct segment, or its creator died before sizing it. " +
                        "It was left untouched; delete it if it is yours.");
                section = Win32.CreateFileMappingW(file, null, readOnly ? Win32.PAGE_READONLY : Win32.PAGE_READWRITE, 0, 0, null);
            }
            if (section == 0)
                throw new IOException($"Cannot map {what}: {Win32.Describe(Win32.LastError)}.");
            view = (byte*)Win32.MapViewOfFile(section, readOnly ? Win32.FILE_MAP_READ : Win32.FILE_MAP_READ | Win32.FILE_MAP_WRITE, 0, 0, 0);
            if (view == null)
                throw new IOException($"Cannot map {what}: {Win32.Describe(Win32.LastError)}.");
            if (!readOnly)
                wakeEvent = OpenWakeEvent(FileWakeEventName(path, request.Options), attributes);
            return new WindowsMapping(view, length, created, readOnly, path, section, file, wakeEvent, created ? path : null,
                markerPrefix: FileEventPrefix(path, request.Options));
        }
        catch
        {
            if (view != null)
                Win32.UnmapViewOfFile(view);
            if (wakeEvent != 0)
                Win32.CloseHandle(wakeEvent);
            if (section != 0)
                Win32.CloseHandle(section);
            Win32.CloseHandle(file);
            if (created)
                Win32.DeleteFileW(path);
            throw;
        }
    }

    private static long FileSize(nint file, string what)
    {
        long size;
        if (Win32.GetFileSizeEx(file, &size) == 0)
            throw new IOException($"Cannot read the size of {what}: {Win32.Describe(Win32.LastError)}.");
        return size;
    }

    private static void CheckLocalDrive(string path, string what)
    {
        string? root = Path.GetPathRoot(path);
        if (string.IsNullOrEmpty(root))
            return;
        if (!root.EndsWith('\\'))
            root += "\\";
        if (Win32.GetDriveTypeW(root) == Win32.DRIVE_REMOTE)
            throw new IOException(
                $"Refusing {what}: it is on a network drive, which does not keep shared mappings coherent between machines (locks and data would " +
                "silently break). Use a local drive, or set SharedSegmentOptions.AllowNetworkFileSystem if every user of the segment runs on this one machine.");
    }

    /// <summary>Processes that map the same file must find the same events: name them after the file's full path (case-folded, as NTFS is).</summary>
    private static string FileEventPrefix(string fullPath, SharedSegmentOptions options)
    {
        string folded = fullPath.ToUpperInvariant();
        ulong hash = Fnv1a.OffsetBasis;
        fixed (char* p = folded)
            hash = Fnv1a.Add(hash, (byte*)p, folded.Length * sizeof(char));
        return $"{Namespace(options)}{Prefix}file.{hash:x16}";
    }

    private static string FileWakeEventName(string fullPath, SharedSegmentOptions options) => FileEventPrefix(fullPath, options) + ".wake";

    private static Exception Failed(string verb, string what, int error) => error switch
    {
        Win32.ERROR_ACCESS_DENIED => new UnauthorizedAccessException(
            $"Cannot {verb} {what}: access denied. It belongs to another user or was created owner-only" +
            (what.Contains("Global\\", StringComparison.Ordinal) ? ", or this process lacks the privilege to create global objects (SeCreateGlobalPrivilege)." : ".")),
        Win32.ERROR_INVALID_HANDLE => new IOException($"Cannot {verb} {what}: another kind of kernel object (an event, a mutex) already has this name."),
        _ => new IOException($"Cannot {verb} {what}: {Win32.Describe(error)}."),
    };
}
