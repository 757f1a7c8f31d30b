namespace SharedStruct.Platform.MacOS;

/// <summary>
/// Markers for a platform with no lock the kernel ties to an open file that every process can query (macOS has no
/// open-file-description byte locks, and classic fcntl locks vanish when a process closes any descriptor of the file).
/// The marker is the process itself: a row's owner is alive while its process id still names the process that
/// started at the recorded time. macOS has no PID or time namespaces, so that question has one answer there.
/// Nobody can prove that no process is attached, so deleting is never refused and attach probes see nobody.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("macos")]
internal sealed class PidMarkers : ProcessMarkers
{
    private readonly MacPlatform _platform;

    public PidMarkers(MacPlatform platform) => _platform = platform;

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

    // The row's compare-and-swap decides between claimers; the caller has checked the previous owner is gone.
    public override bool TryHoldSlot(int index, uint incarnation) => true;

    public override void ReleaseSlot(int index, uint incarnation)
    {
    }

    public override bool IsSlotHeld(int index, uint incarnation, int pid, long startTime) => _platform.IsAlive(pid, startTime);

    // Every opener "holds" it: the header's creator field decides between openers taking over (Locking/CreatorField.cs),
    // by one compare-and-swap from the dead creator's pid to the taker's claim.
    public override bool TryHoldInit() => true;

    public override void ReleaseInit()
    {
    }

    // A claim comes with start time 0: any process with its pid counts as the live taker.
    public override bool IsInitHeld(int creatorPid, long creatorStartTime) => _platform.IsAlive(creatorPid, creatorStartTime);

    // macOS watchers poll (there is no cross-process futex to wake them), so they never register.
    public override bool TryHoldWatching() => false;

    public override void ReleaseWatching()
    {
    }

    public override bool OthersWatching() => true;

    public override void ReleaseAll()
    {
    }
}
