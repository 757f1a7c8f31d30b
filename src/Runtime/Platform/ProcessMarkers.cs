namespace SharedStruct.Platform;

/// <summary>
/// Liveness that the kernel keeps for us: markers that an open segment holds and that vanish when the process dies
/// or closes the segment. Other processes probe them instead of judging a process id, which means nothing across PID
/// namespaces, or a start time, which moves across time namespaces.
/// </summary>
/// <remarks>
/// Four kinds of marker per segment:
/// <list type="bullet">
/// <item>the <b>attach gate</b>, held shared by every open view (writers and read-only readers) for its lifetime; held
/// exclusively only by a deleter, which therefore proves that nobody is attached;</item>
/// <item>the <b>readers marker</b>, held shared by read-only views, so tools can tell that readers are attached;</item>
/// <item>the <b>init marker</b>, held exclusively by the process initialising the segment until it is ready; a free
/// init marker on an unready segment means its creator died and an opener may take over;</item>
/// <item>one <b>slot marker</b> per process-table row, held exclusively by the row's owner: a lock token's holder is
/// alive exactly when its row still has the token's incarnation and the row's marker is held.</item>
/// </list>
/// Probes never see markers held through this same object (an owner does not conflict with itself), so a caller never
/// probes its own markers.
/// </remarks>
internal abstract class ProcessMarkers
{
    /// <summary>Holds the attach gate shared (and the readers marker, for a read-only view). False while a deleter holds it.</summary>
    public abstract bool TryAttach(bool readOnly);

    /// <summary>Whether any other open view holds the attach gate; <paramref name="readers"/>: whether read-only views do.</summary>
    public abstract bool OthersAttached(out bool readers);

    /// <summary>Holds the attach gate exclusively: succeeds only when no other view is attached (for delete).</summary>
    public abstract bool TryHoldExclusive();

    /// <summary>Gives up the exclusive hold, returning to a shared hold if this object was attached.</summary>
    public abstract void ReleaseExclusive(bool stayAttached);

    /// <summary>Claims row <paramref name="index"/>'s marker for <paramref name="incarnation"/>; false if a live process holds it.</summary>
    public abstract bool TryHoldSlot(int index, uint incarnation);

    /// <summary>Releases a row marker this object holds.</summary>
    public abstract void ReleaseSlot(int index, uint incarnation);

    /// <summary>
    /// Whether the owner of row <paramref name="index"/> at <paramref name="incarnation"/> still holds its marker.
    /// <paramref name="pid"/> and <paramref name="startTime"/> are what the row says, for platforms whose marker is the
    /// process itself.
    /// </summary>
    public abstract bool IsSlotHeld(int index, uint incarnation, int pid, long startTime);

    /// <summary>Holds the init marker; false while another process holds it.</summary>
    public abstract bool TryHoldInit();

    /// <summary>Releases the init marker.</summary>
    public abstract void ReleaseInit();

    /// <summary>
    /// Whether another process holds the init marker (is initialising the segment). <paramref name="creatorPid"/> and
    /// <paramref name="creatorStartTime"/> are what the header's creator field says (<see cref="Locking.CreatorIdentity"/>),
    /// for platforms whose marker is the process itself.
    /// </summary>
    public abstract bool IsInitHeld(int creatorPid, long creatorStartTime);

    /// <summary>
    /// Holds the watching marker (shared with every other watcher) while this object is registered as a watcher; false
    /// where the platform has none (its watchers poll instead of registering).
    /// </summary>
    public abstract bool TryHoldWatching();

    /// <summary>Releases the watching marker.</summary>
    public abstract void ReleaseWatching();

    /// <summary>Whether any other object holds the watching marker; true when it cannot tell.</summary>
    public abstract bool OthersWatching();

    /// <summary>Releases every marker this object holds (also done by the kernel when the process dies).</summary>
    public abstract void ReleaseAll();
}
