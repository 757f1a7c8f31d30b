using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace SharedStruct.Platform.Unix;

/// <summary>What a file descriptor's <c>fstat</c> says that matters to us.</summary>
internal readonly record struct UnixFileStatus(uint OwnerUid, uint Mode, long Size, ulong Device, ulong Inode)
{
    public bool IsRegularFile => (Mode & 0xF000) == 0x8000;
}

/// <summary>
/// Segments as files mapped MAP_SHARED: in a memory file system (/dev/shm) for named segments on Linux, in a
/// private directory on macOS, or a user's own file for file-backed segments. Linux and macOS differ only in
/// constants, fstat's layout, process identity and the kernel wait primitive, which subclasses supply.
/// </summary>
internal abstract unsafe class UnixPlatform : IPlatform
{
    public const string FilePrefix = "sharedstruct.";

    protected abstract int O_RDONLY { get; }
    protected abstract int O_RDWR { get; }
    protected abstract int O_NOFOLLOW { get; }
    protected abstract int O_CLOEXEC { get; }
    protected abstract int ELOOP { get; }
    public abstract int MsSync { get; }

    protected abstract string DefaultDirectory { get; }

    public abstract ProcessIdentity CurrentProcess { get; }

    public abstract bool TryGetCurrentThreadStack(out nuint low, out nuint high);

    public abstract void Wait(uint* word, uint expected, int timeoutMs);

    public abstract int Wake(uint* word, int count);

    /// <summary>Creates <paramref name="path"/> with O_CREAT|O_EXCL (which also refuses a symlink in its place).</summary>
    /// <returns>The descriptor, or -1 with <paramref name="errno"/> set.</returns>
    protected abstract int CreateExclusive(string path, uint mode, out int errno);

    protected abstract bool TryGetStatus(int fd, out UnixFileStatus status);

    /// <summary>Like <see cref="TryGetStatus"/> for a path, not following a final symbolic link.</summary>
    protected abstract bool TryGetPathStatus(string path, out UnixFileStatus status);

    /// <summary>The liveness markers of a view opened through <paramref name="fd"/> (which the mapping keeps open).</summary>
    public abstract ProcessMarkers CreateMarkers(int fd, bool readOnly);

    /// <summary>
    /// Creates an unnamed file in <paramref name="directory"/> that can be given its name later, once it is a complete
    /// segment header (so no opener ever sees a half-made file). -1 where the platform or file system cannot.
    /// </summary>
    protected virtual int CreateUnnamed(string directory, uint mode) => -1;

    /// <summary>Gives the unnamed file <paramref name="fd"/> the name <paramref name="path"/>; errno on failure (EEXIST: taken).</summary>
    public virtual int LinkUnnamed(int fd, string path) => Libc.ENOENT;

    /// <summary>
    /// A new read-write descriptor of the file <paramref name="fd"/> has open (the same file, whatever its name is now),
    /// if this user may write it; -1 otherwise or where the platform cannot reopen a descriptor.
    /// </summary>
    public virtual int ReopenReadWrite(int fd) => -1;

    /// <summary>Whether <paramref name="path"/> still names the file open as <paramref name="fd"/> (it was not deleted or replaced).</summary>
    public bool StillNamed(int fd, string path) =>
        TryGetStatus(fd, out UnixFileStatus open) && TryGetPathStatus(path, out UnixFileStatus named) &&
        open.Device == named.Device && open.Inode == named.Inode;

    /// <summary>Names the file system of <paramref name="fd"/> when it is a network or FUSE one, else null.</summary>
    protected abstract string? NetworkFileSystemName(int fd);

    /// <summary>Reserves the file's blocks so that a full memory file system fails here, not with SIGBUS later.</summary>
    protected virtual int Reserve(int fd, long size) => 0;

    public string Locate(string name, SharedSegmentOptions options) =>
        Path.Combine(options.Directory ?? EnsureDefaultDirectory(), FilePrefix + name);

    protected virtual string EnsureDefaultDirectory() => DefaultDirectory;

    public bool Delete(string name, SharedSegmentOptions options, bool force)
    {
        string path = Locate(name, options);
        if (force)
            return UnlinkOrThrow(name, path);
        // Each turn judges the file the name names when this turn opened it. Another turn follows only when the name
        // moved on meanwhile (the file was deleted, or deleted and made anew): then the judgement was about the wrong file.
        while (true)
        {
            int fd = Libc.Open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
            {
                int openErrno = Marshal.GetLastPInvokeError();
                if (openErrno == Libc.ENOENT)
                    return false;
                throw new IOException($"Cannot delete segment '{name}' ({path}): {Libc.Describe(openErrno)}.");
            }
            try
            {
                // Only a deleter that holds the attach gate exclusively knows that nobody uses the segment; an opener
                // that got its descriptor just before the unlink finds the name gone after attaching, and starts over.
                ProcessMarkers markers = CreateMarkers(fd, readOnly: false);
                if (markers.TryHoldExclusive())
                {
                    // The gate is this file's, and the name may have moved on since the open: another deleter removed
                    // this file and a creator linked a fresh one under the name, whose users hold *its* gate, not this
                    // one. Unlinking blindly would take the fresh segment from under them. Checking first and then
                    // unlinking is no race while the gate is held: every non-forced unlink of a segment's name is made
                    // by someone holding the gate of the file it names (a deleter, or a creator that failed before it
                    // attached, exclusively; a creator or initialiser that failed after attaching, shared), which this
                    // hold excludes, and a creator cannot link or create over an existing name. Only a forced delete
                    // can move the name between the check and the unlink; force is for known-dead state and promises
                    // nothing to anyone attached. (Where the gate is no kernel lock, macOS, nothing is excluded and
                    // Delete never refuses, as documented.)
                    if (StillNamed(fd, path))
                        return UnlinkOrThrow(name, path);
                }
                else if (StillNamed(fd, path))
                {
                    throw new SegmentInUseException(name, path);
                }
            }
            finally
            {
                Libc.Close(fd); // releases the gate, if held
            }
        }
    }

    private static bool UnlinkOrThrow(string name, string path)
    {
        if (Libc.Unlink(path) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.ENOENT)
            return false;
        throw new IOException($"Cannot delete segment '{name}' ({path}): {Libc.Describe(errno)}.");
    }

    public IEnumerable<string> EnumerateNames(SharedSegmentOptions options)
    {
        string directory = options.Directory ?? EnsureDefaultDirectory();
        if (!Directory.Exists(directory))
            yield break;
        foreach (string path in Directory.EnumerateFiles(directory, FilePrefix + "*"))
        {
            string name = Path.GetFileName(path).Substring(FilePrefix.Length);
            if (SegmentName.IsValid(name))
                yield return name;
        }
    }

    public PlatformMapping Open(MappingRequest request, DateTime deadlineUtc)
    {
        string path = request.FilePath ?? Locate(request.Name, request.Options);
        string what = request.FilePath is null ? $"segment '{request.Name}' ({path})" : $"segment file '{path}'";
        bool readOnly = request.ReadOnly;

        while (true)
        {
            int fd = -1;
            bool created = false;
            bool unnamed = false;
            if (!readOnly && request.Mode != SegmentOpenMode.OpenExisting)
            {
                // Prefer an unnamed file that gets its name only when its header is complete; where the file system
                // cannot, create the name at once (O_EXCL) and let openers wait for the header.
                string? directory = Path.GetDirectoryName(path);
                if (directory is not null && !File.Exists(path))
                {
                    fd = CreateUnnamed(directory.Length == 0 ? "." : directory, ModeFor(request.Options.Sharing));
                    unnamed = created = fd >= 0;
                }
                if (fd < 0)
                {
                    fd = CreateExclusive(path, ModeFor(request.Options.Sharing), out int createErrno);
                    if (fd >= 0)
                        created = true;
                    else if (createErrno != Libc.EEXIST)
                        throw CreateFailed(what, createErrno);
                    else if (request.Mode == SegmentOpenMode.CreateNew)
                        throw AlreadyExists(what);
                }
            }

            if (!created)
            {
                fd = Libc.Open(path, (readOnly ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.ENOENT)
                    {
                        // Deleted between our O_EXCL attempt and this open: try creating again.
                        if (!readOnly && request.Mode == SegmentOpenMode.CreateOrOpen)
                            continue;
                        throw new FileNotFoundException($"There is no {what}. Create it first (mode CreateOrOpen or CreateNew).", path);
                    }
                    throw OpenFailed(what, errno);
                }
            }

            try
            {
                // The mapping keeps the descriptor: the liveness markers are locks on it.
                return created
                    ? MapCreated(fd, path, what, request, unnamed)
                    : MapExisting(fd, path, what, request, deadlineUtc);
            }
            catch
            {
                if (created && !unnamed)
                    RemoveFailedCreation(fd, path);
                Libc.Close(fd);
                throw;
            }
        }
    }

    /// <summary>
    /// Removes the name of a file this process created under its name (where it could not create it unnamed) and then
    /// failed to prepare. Under the attach gate, as <see cref="Delete"/> does: a deleter may hold the gate and remove the
    /// name itself, and then the name may already be someone else's. An opener that attached meanwhile keeps the file.
    /// </summary>
    private void RemoveFailedCreation(int fd, string path)
    {
        if (CreateMarkers(fd, readOnly: false).TryHoldExclusive() && StillNamed(fd, path))
            Libc.Unlink(path);
    }

    internal static IOException AlreadyExists(string what) =>
        new($"Cannot create {what}: it already exists (mode CreateNew). Open it with CreateOrOpen or OpenExisting, or delete it first.");

    private UnixFileMapping MapCreated(int fd, string path, string what, MappingRequest request, bool unnamed)
    {
        // O_CREAT's mode is narrowed by the umask; set the exact one.
        if (Libc.FChmod(fd, ModeFor(request.Options.Sharing)) != 0)
            throw new IOException($"Cannot set the permissions of {what}: {Libc.Describe(Marshal.GetLastPInvokeError())}.");
        CheckFileSystem(fd, what, request);
        if (Libc.FTruncate(fd, request.Size) != 0)
            throw new IOException($"Cannot size {what} to {request.Size} bytes: {Libc.Describe(Marshal.GetLastPInvokeError())}.");
        int reserveError = Reserve(fd, request.Size);
        if (reserveError != 0)
            throw new IOException($"Cannot reserve {request.Size} bytes for {what}: {Libc.Describe(reserveError)}. Free memory in the segment directory or choose a smaller struct.");
        return Map(fd, request.Size, created: true, readOnly: false, path, what, unnamed);
    }

    private UnixFileMapping MapExisting(int fd, string path, string what, MappingRequest request, DateTime deadlineUtc)
    {
        UnixFileStatus status = Status(fd, what);
        if (!status.IsRegularFile)
            throw new UnauthorizedAccessException($"Refusing {what}: it is not a regular file. Something else stands where the segment should be; remove it.");
        uint me = Libc.GetEuid();
        if (status.OwnerUid != me && request.Options.Sharing == SegmentSharing.OwnerOnly)
            throw new UnauthorizedAccessException(
                $"Refusing {what}: it belongs to user id {status.OwnerUid}, not to this user (id {me}). Another user's segment could feed this process " +
                "forged data. Delete it, pick another name, or opt in to sharing with SharedSegmentOptions.Sharing = Group or Everyone.");
        CheckFileSystem(fd, what, request);

        // A creator that won the O_EXCL race may not have sized the file yet: wait for it, within the deadline.
        while (status.Size == 0 && DateTime.UtcNow < deadlineUtc)
        {
            Thread.Sleep(1);
            status = Status(fd, what);
        }
        if (status.Size == 0)
            throw new InvalidDataException(
                $"{Capitalize(what)} is an empty (zero-length) file: it is not a SharedStruct segment, or its creator died before sizing it. " +
                "It was left untouched; delete it if it is yours.");
        return Map(fd, status.Size, created: false, request.ReadOnly, path, what, unnamed: false);
    }

    private UnixFileMapping Map(int fd, long size, bool created, bool readOnly, string path, string what, bool unnamed)
    {
        int prot = readOnly ? Libc.PROT_READ : Libc.PROT_READ | Libc.PROT_WRITE;
        void* p = Libc.Mmap(null, (nuint)size, prot, Libc.MAP_SHARED, fd, 0);
        if (p == Libc.MapFailed)
            throw new IOException($"Cannot map {what} ({size} bytes): {Libc.Describe(Marshal.GetLastPInvokeError())}.");
        return new UnixFileMapping(this, fd, (byte*)p, size, created, readOnly, path, published: !unnamed);
    }

    private void CheckFileSystem(int fd, string what, MappingRequest request)
    {
        if (request.Options.AllowNetworkFileSystem)
            return;
        string? fs = NetworkFileSystemName(fd);
        if (fs is not null)
            throw new IOException(
                $"Refusing {what}: it is on a {fs} file system, which does not keep shared mappings coherent between processes (locks and data would " +
                "silently break). Use a local file system, or set SharedSegmentOptions.AllowNetworkFileSystem if every user of the segment runs on this one machine.");
    }

    private UnixFileStatus Status(int fd, string what)
    {
        if (!TryGetStatus(fd, out UnixFileStatus status))
            throw new IOException($"Cannot stat {what}: {Libc.Describe(Marshal.GetLastPInvokeError())}.");
        return status;
    }

    private Exception OpenFailed(string what, int errno)
    {
        if (errno == ELOOP)
            return new UnauthorizedAccessException($"Refusing {what}: it is a symbolic link. A link in a shared directory can redirect writes to another file; remove it.");
        if (errno == Libc.EACCES || errno == Libc.EPERM)
            return new UnauthorizedAccessException($"Cannot open {what}: permission denied. It belongs to another user or was created owner-only.");
        return new IOException($"Cannot open {what}: {Libc.Describe(errno)}.");
    }

    private static Exception CreateFailed(string what, int errno)
    {
        if (errno == Libc.EACCES || errno == Libc.EPERM)
            return new UnauthorizedAccessException($"Cannot create {what}: permission denied in its directory.");
        if (errno == Libc.ENOENT)
            return new DirectoryNotFoundException($"Cannot create {what}: its directory does not exist.");
        return new IOException($"Cannot create {what}: {Libc.Describe(errno)}.");
    }

    private static uint ModeFor(SegmentSharing sharing) => sharing switch
    {
        SegmentSharing.Group => 0x1B0u,    // 0660
        SegmentSharing.Everyone => 0x1B6u, // 0666
        _ => 0x180u,                       // 0600
    };

    private static string Capitalize(string s) => char.ToUpperInvariant(s[0]) + s.Substring(1);
}
