using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Threading;
using SharedStruct.Locking;

namespace SharedStruct;

/// <summary>
/// For generated lock-free writes (<c>AddX</c>, <c>ExchangeX</c>, <c>CompareExchangeX</c>): taken before the atomic
/// operation, <see cref="Written"/> after it. Not for hand-written code: use the generated methods, or
/// <see cref="SharedSegment{T}.NoteLockFreeWrite"/>.
/// </summary>
/// <remarks>
/// Why a value taken before the write: an atomic read-modify-write is a full fence on x64, so every load after it waits
/// for it. Finding the watcher count from the segment object after the write is a chain of dependent loads (view, core,
/// header, count); with its address already in a register it is one load on a line the writer's process has hot, which
/// keeps a lock-free write with nobody watching as cheap as it was before change notification. The count must still be
/// read after the write, not before: a watcher that registers between the two would otherwise miss the change.
/// Like <see cref="SharedSegment{T}.GetUnsynchronizedReference"/>, a notice must not outlive the view: it points into the
/// mapping, which a concurrent <see cref="SharedSegment{T}.Dispose"/> unmaps.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe struct LockFreeWriteNotice
{
    private readonly SegmentCore _core;
    private readonly int* _watchers;

    internal LockFreeWriteNotice(SegmentCore core, int* watchers)
    {
        _core = core;
        _watchers = watchers;
    }

    /// <summary>Tells watchers, if there are any, that the atomic operation changed a field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Written()
    {
#if !SHAREDSTRUCT_BENCH_NO_WATCHERS // a bench-only build variant: lock-free writes as they were before change notification (bench/)
        if (Volatile.Read(ref *_watchers) != 0)
            _core.NoteChange(lockFree: true);
#endif
    }
}
