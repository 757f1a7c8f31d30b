using System;
using System.Runtime.CompilerServices;
using SharedStruct.Locking;

namespace SharedStruct;

/// <summary>Runs once, in the creating process, before any other process can lock a new segment.</summary>
/// <typeparam name="T">The payload type.</typeparam>
/// <param name="value">The payload, zero-filled.</param>
public delegate void SegmentInitializer<T>(ref T value) where T : unmanaged;

/// <summary>
/// A named shared memory segment holding one <typeparamref name="T"/>, guarded by a cross-process lock that
/// detects a holder that died. The payload is reached through <see cref="Lock(TimeSpan)"/>.
/// </summary>
/// <remarks>
/// A segment outlives the processes that use it: it lives until <see cref="SharedSegment.Delete"/> removes it or the
/// machine restarts (file-backed segments survive restarts). <see cref="Dispose"/> only closes this view.
/// On Windows a named segment is a page-file-backed section, which lives only while some process has it open: it
/// vanishes (contents and all) when the last process closes it or dies, and cannot be deleted before that.
/// </remarks>
/// <typeparam name="T">An unmanaged struct: no references, so its bytes mean the same in every process.</typeparam>
public sealed unsafe partial class SharedSegment<T> : IDisposable where T : unmanaged
{
    private readonly SegmentCore _core;

    private SharedSegment(SegmentCore core) => _core = core;

    /// <summary>
    /// Creates or opens the segment <paramref name="name"/> (by <see cref="SharedSegmentOptions.Mode"/>).
    /// </summary>
    /// <param name="name">The segment name; see <see cref="SegmentName"/>.</param>
    /// <param name="options">Open mode, sharing, file backing, timeouts. Null for the defaults.</param>
    /// <param name="layout">
    /// The layout identity. The source generator passes a compile-time fingerprint; when null, one is derived from
    /// the type's full name and size.
    /// </param>
    /// <param name="initializer">Runs once in the creating process on the zero-filled payload before anyone can lock.</param>
    /// <param name="defaultLockTimeout">The timeout of <see cref="Lock()"/> unless <see cref="SharedSegmentOptions.LockTimeout"/> is set.</param>
    /// <exception cref="ArgumentException">The name breaks the naming rule, or options are read-only.</exception>
    /// <exception cref="SegmentLayoutMismatchException">The segment was created for another layout (an <see cref="System.IO.IOException"/>).</exception>
    /// <exception cref="System.IO.InvalidDataException">Something that is not a valid segment stands in its place.</exception>
    /// <exception cref="UnauthorizedAccessException">It belongs to another user, or is a symbolic link.</exception>
    public static SharedSegment<T> Open(string name, SharedSegmentOptions? options = null, SegmentLayout? layout = null,
        SegmentInitializer<T>? initializer = null, TimeSpan? defaultLockTimeout = null)
    {
        if (options is { ReadOnly: true })
            throw new ArgumentException("These options are read-only: use SharedSegment<T>.OpenReadOnly, which returns a view with no write path.", nameof(options));
        Action<nint>? init = initializer is null ? null : p => initializer(ref *(T*)p);
        return new SharedSegment<T>(SegmentCore.Open(name, sizeof(T), layout ?? DefaultLayout(), options, defaultLockTimeout, init));
    }

    /// <summary>Opens an existing segment with a read-only mapping: nothing can be written through it.</summary>
    /// <param name="name">The segment name; see <see cref="SegmentName"/>.</param>
    /// <param name="options">Where to look and how long to wait. Null for the defaults.</param>
    /// <param name="layout">The layout identity, as for <see cref="Open"/>.</param>
    /// <param name="defaultLockTimeout">How long the reads that take no timeout wait for a writer, unless <see cref="SharedSegmentOptions.LockTimeout"/> is set.</param>
    public static ReadOnlySharedSegment<T> OpenReadOnly(string name, SharedSegmentOptions? options = null, SegmentLayout? layout = null,
        TimeSpan? defaultLockTimeout = null)
    {
        SharedSegmentOptions o = (options ?? SharedSegmentOptions.Default).WithMode(SegmentOpenMode.OpenExisting);
        o.ReadOnly = true;
        return new ReadOnlySharedSegment<T>(SegmentCore.Open(name, sizeof(T), layout ?? DefaultLayout(), o, defaultLockTimeout, null));
    }

    /// <summary>The layout used when none is given: the type's full name and size.</summary>
    public static SegmentLayout DefaultLayout()
    {
        string description = $"{typeof(T).FullName} {Format.LayoutFormat.Size}={sizeof(T)}";
        return new SegmentLayout(SegmentLayout.ComputeFingerprint(description), description);
    }

    /// <summary>The segment name.</summary>
    public string Name => _core.Name;

    /// <summary>Where the segment lives: a file path, or a kernel object name on Windows.</summary>
    public string Location => _core.Location;

    /// <summary>True when this call created the segment (and ran the initializer); false when it opened an existing one.</summary>
    public bool IsCreator => _core.IsCreator;

    /// <summary>True for a segment backed by a file given in <see cref="SharedSegmentOptions.FilePath"/>.</summary>
    public bool IsFileBacked => _core.IsFileBacked;

    /// <summary>The layout fingerprint stored in (and checked against) the segment.</summary>
    public ulong Fingerprint => _core.Fingerprint;

    /// <summary>Whether the segment is crash-atomic (see <see cref="SharedSegmentOptions.RollbackOnCrash"/>), as its header records.</summary>
    public bool RollbackOnCrash => _core.RollsBack;

    /// <summary>The timeout <see cref="Lock()"/> uses.</summary>
    public TimeSpan DefaultLockTimeout => _core.DefaultLockTimeout;

    /// <summary>Takes the lock with <see cref="DefaultLockTimeout"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SegmentGuard<T> Lock()
    {
        if (_core.TryEnterFast(out ulong word))
            return new SegmentGuard<T>(_core, word, wasAbandoned: false);
        return LockSlow(_core.DefaultLockTimeout);
    }

    /// <summary>
    /// Takes the cross-process lock. Dispose the guard to release it. If the holder died, the lock is taken over
    /// and <see cref="SegmentGuard{T}.WasAbandoned"/> is true.
    /// </summary>
    /// <exception cref="TimeoutException">A live process held the lock for the whole timeout; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is neither <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> nor 0 to int.MaxValue ms (checked on every call).</exception>
    /// <exception cref="System.Threading.LockRecursionException">This thread already holds this lock.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SegmentGuard<T> Lock(TimeSpan timeout)
    {
        SegmentCore.CheckTimeout(timeout);
        if (_core.TryEnterFast(out ulong word))
            return new SegmentGuard<T>(_core, word, wasAbandoned: false);
        return LockSlow(timeout);
    }

    /// <summary>Like <see cref="Lock(TimeSpan)"/>, but returns false instead of throwing on timeout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLock(TimeSpan timeout, out SegmentGuard<T> guard)
    {
        SegmentCore.CheckTimeout(timeout);
        if (_core.TryEnterFast(out ulong word))
        {
            guard = new SegmentGuard<T>(_core, word, wasAbandoned: false);
            return true;
        }
        return TryLockSlow(timeout, out guard);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private SegmentGuard<T> LockSlow(TimeSpan timeout)
    {
        if (!TryLockSlow(timeout, out SegmentGuard<T> guard))
            throw _core.TimeoutError(timeout);
        return guard;
    }

    private bool TryLockSlow(TimeSpan timeout, out SegmentGuard<T> guard)
    {
        int ms = SegmentCore.TimeoutMilliseconds(timeout);
        if (_core.EnterSlow(ms, out ulong word, out bool abandoned))
        {
            guard = new SegmentGuard<T>(_core, word, abandoned, wasRolledBack: abandoned && _core.RollsBack);
            return true;
        }
        guard = default;
        return false;
    }

    /// <summary>
    /// A reference to the payload with no lock held. Only for lock-free atomics (<see cref="System.Threading.Interlocked"/>)
    /// on naturally aligned fields, or code that coordinates by other means; anything else races with other processes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T GetUnsynchronizedReference() => ref *(T*)_core.Payload;

    /// <summary>A consistent copy of the payload, read without taking the lock (retried if a writer intervened).</summary>
    /// <remarks>If a writer died holding the lock, this returns the payload as it left it; see the overload with <c>mayBeTorn</c>.</remarks>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public T ReadSnapshot(TimeSpan timeout) => ReadOnlySharedSegment<T>.Snapshot(_core, timeout, out _);

    /// <summary>
    /// A consistent copy of the payload, read without taking the lock. <paramref name="mayBeTorn"/> is true when the
    /// lock's holder died mid-write: the copy is what it left, perhaps half-updated, until some writer's
    /// <see cref="Lock(TimeSpan)"/> recovers the lock (and reports <see cref="SegmentGuard{T}.WasAbandoned"/>).
    /// </summary>
    /// <exception cref="TimeoutException">A live writer held the lock for the whole timeout.</exception>
    public T ReadSnapshot(TimeSpan timeout, out bool mayBeTorn) => ReadOnlySharedSegment<T>.Snapshot(_core, timeout, out mayBeTorn);

    /// <summary>Writes the payload's dirty pages to the backing file and waits for the write (msync / FlushViewOfFile).</summary>
    public void Flush() => _core.Flush();

    /// <summary>
    /// Removes the segment's name if no other process has it open (this view does not count). This view stays usable
    /// until disposed. Returns false when the name no longer leads to this view's segment (it was deleted, and perhaps
    /// made anew by someone else, whose segment is left alone). On Windows a named segment cannot be deleted (it
    /// vanishes with its last process) and this returns false.
    /// </summary>
    /// <exception cref="SegmentInUseException">Another process has it open.</exception>
    public bool Delete() => _core.DeleteBacking(force: false);

    /// <summary>
    /// Unmaps the segment and leaves the process table. The segment itself stays until deleted. Called while a guard of
    /// this segment is live (on any thread), the unmap waits for that guard's release, so its <c>ref T</c> stays valid;
    /// new locks fail with <see cref="ObjectDisposedException"/> at once.
    /// </summary>
    public void Dispose() => _core.Dispose();
}
