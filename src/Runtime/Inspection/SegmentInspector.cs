using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Locking;
using SharedStruct.Platform;

namespace SharedStruct;

/// <summary>
/// Reads segments through read-only mappings, so inspecting can never corrupt one. It needs no struct type: the
/// header says the layout. Foreign or damaged files are reported in <see cref="SegmentInfo.Problem"/>, not thrown.
/// </summary>
public static unsafe class SegmentInspector
{
    /// <summary>Inspects the named segment.</summary>
    /// <exception cref="FileNotFoundException">There is no such segment.</exception>
    public static SegmentInfo Inspect(string name, SharedSegmentOptions? options = null)
    {
        SegmentName.Validate(name);
        return InspectCore(name, options?.Directory, filePath: null);
    }

    /// <summary>Inspects a file-backed segment.</summary>
    public static SegmentInfo InspectFile(string path) => InspectCore(Path.GetFileName(path), null, path);

    /// <summary>Inspects every named segment in the segment directory (Unix), skipping ones that vanish meanwhile.</summary>
    public static IEnumerable<SegmentInfo> List(SharedSegmentOptions? options = null)
    {
        foreach (string name in SharedSegment.EnumerateNames(options))
        {
            SegmentInfo? info;
            try
            {
                info = InspectCore(name, options?.Directory, null);
            }
            catch (FileNotFoundException)
            {
                info = null;
            }
            catch (UnauthorizedAccessException e)
            {
                info = new SegmentInfo(name, SharedSegment.Locate(name, options)) { Problem = e.Message };
            }
            if (info is not null)
                yield return info;
        }
    }

    private static SegmentInfo InspectCore(string name, string? directory, string? filePath)
    {
        IPlatform platform = Platforms.Current;
        var options = new SharedSegmentOptions
        {
            Mode = SegmentOpenMode.OpenExisting,
            ReadOnly = true,
            Directory = directory,
            FilePath = filePath,
            Sharing = SegmentSharing.Everyone, // reading someone else's segment read-only cannot harm this process
            OpenTimeout = TimeSpan.Zero,
            AllowNetworkFileSystem = true,
        };
        PlatformMapping mapping;
        try
        {
            mapping = platform.Open(new MappingRequest { Name = name, Size = 0, Options = options }, DateTime.UtcNow);
        }
        catch (InvalidDataException e)
        {
            return new SegmentInfo(name, filePath ?? platform.Locate(name, options)) { Problem = e.Message };
        }
        using (mapping)
            return Read(name, mapping, platform);
    }

    private static SegmentInfo Read(string name, PlatformMapping mapping, IPlatform platform)
    {
        var info = new SegmentInfo(name, mapping.Location) { Size = mapping.Length };
        byte* p = mapping.Pointer;
        var h = (SegmentHeader*)p;
        // The same checks as opening, worded for a listing.
        string? start = HeaderValidation.StartProblem(p, mapping.Length);
        if (start is not null)
        {
            info.Problem = Listing(start);
            return info;
        }
        if (Volatile.Read(ref h->Magic) != SegmentHeader.MagicValue)
        {
            // Zeros, which opening waits on (a creator may be writing them); a listing says what it sees now.
            info.Problem = "not initialised (all zeros at the start)";
            return info;
        }
        if (HeaderValidation.IsVersionProblem(p))
        {
            info.Problem = $"header format version {h->FormatVersion}; this runtime reads {SegmentHeader.CurrentFormatVersion} and {SegmentHeader.RollbackFormatVersion}";
            return info;
        }
        ProcessMarkers markers = mapping.Markers;
        ulong myNamespace = platform.CurrentProcess.PidNamespace;
        CreatorIdentity creator = CreatorField.Read(h);
        info.CreatorPid = creator.Pid;
        info.CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(h->CreatedUnixMs);
        if (Volatile.Read(ref h->State) != SegmentHeader.StateReady)
        {
            bool initialising = markers.IsInitHeld(creator.Pid, creator.StartTimeToJudge);
            info.CreatorAlive = initialising;
            info.Problem = initialising ? "still being initialised by its creator"
                : "unfinished: its creator died while initialising it (the next writable open finishes it)";
            return info;
        }
        string? problem = HeaderValidation.ReadyProblem(p, mapping.Length);
        if (problem is not null)
        {
            // The same checks as opening, worded for a listing.
            info.Problem = Listing(problem);
            return info;
        }
        info.CreatorAlive = SegmentCore.IsTokenAlive(p, h->CreatorToken, markers);
        info.CreatorInOtherPidNamespace = OtherNamespace(h->CreatorPidNamespace, myNamespace);
        info.Fingerprint = h->Fingerprint;
        info.PayloadSize = (long)h->PayloadSize;
        info.LayoutDescription = SegmentCore.ReadDescription(p);

        var processes = new List<AttachedProcess>();
        var slots = (ProcessSlot*)(p + SegmentHeader.SlotTableOffset);
        for (int i = 0; i < SegmentHeader.SlotCount; i++)
        {
            ulong owner = Volatile.Read(ref slots[i].Owner);
            int pid = (int)owner;
            if (pid > 0)
            {
                uint incarnation = (uint)(owner >> 32) & LockWord.IncarnationMask;
                bool alive = markers.IsSlotHeld(i, incarnation, pid, slots[i].StartTime);
                processes.Add(new AttachedProcess(pid, alive) { InOtherPidNamespace = OtherNamespace(slots[i].PidNamespace, myNamespace) });
            }
        }
        info.Processes = processes;
        info.Attached = markers.OthersAttached(out bool readers);
        info.ReadersAttached = readers;
        info.AbandonCount = h->AbandonCount;
        long lastRecovery = Volatile.Read(ref h->LastRecoveryUnixMs);
        info.Statistics = new SegmentStatistics
        {
            Acquisitions = Volatile.Read(ref h->Acquisitions),
            ContendedAcquisitions = Volatile.Read(ref h->ContendedAcquisitions),
            TotalWait = FromNanoseconds(Volatile.Read(ref h->WaitNanosecondsTotal)),
            MaxWait = FromNanoseconds(Volatile.Read(ref h->WaitNanosecondsMax)),
            Timeouts = Volatile.Read(ref h->Timeouts),
            Recoveries = h->AbandonCount,
            LastRecoveryAt = lastRecovery > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(lastRecovery) : null,
            LastRecoveredPid = h->AbandonCount > 0 && h->LastAbandonedPid > 0 ? h->LastAbandonedPid : null,
            SnapshotRetries = Volatile.Read(ref h->SnapshotRetries),
        };

        ulong word = Volatile.Read(ref h->LockWord);
        info.LockGeneration = (uint)(word >> 32);
        bool rollback = SegmentHeader.RollsBack(h);
        info.RollbackOnCrash = rollback;
        info.Version = Locking.SegmentCore.ComposeVersion(word, Volatile.Read(ref h->LockFreeChanges));
        info.Watchers = Volatile.Read(ref h->Watchers);
        if (!LockWord.IsFree(word))
        {
            (int pid, bool alive) = SegmentCore.HolderOf(p, LockWord.Token(word), markers);
            info.HolderPid = pid;
            info.HolderAlive = alive;
            if (Volatile.Read(ref h->HeldSinceWord) == (word & ~(ulong)LockWord.Waiters))
                info.HeldFor = TimeSpan.FromMilliseconds(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - h->HeldSinceUnixMs));
        }

        if (rollback)
        {
            // The committed state, as every reader of such a segment sees it: whole, whoever holds the lock.
            info.Payload = CopyCommitted(p, info.PayloadSize, out bool busy);
            info.PayloadMayBeTorn = busy;
            return info;
        }
        info.Payload = CopyPayload(p + SegmentHeader.PayloadOffsetValue, info.PayloadSize, &h->LockWord, info, out bool torn);
        info.PayloadMayBeTorn = torn;
        return info;
    }

    /// <summary>An opening message ("has a corrupted header …") worded for a listing ("corrupted header …").</summary>
    private static string Listing(string problem)
    {
        foreach (string lead in new[] { "is ", "has a ", "has " })
        {
            if (problem.StartsWith(lead, StringComparison.Ordinal))
                return problem.Substring(lead.Length);
        }
        return problem;
    }

    private static bool OtherNamespace(ulong theirs, ulong mine) => theirs != 0 && mine != 0 && theirs != mine;

    /// <summary>How long one holder may keep the lock, unmoved, before the inspector stops waiting for a consistent copy.</summary>
    private const int HeldQuietMs = 200;

    private static byte[] CopyCommitted(byte* segment, long size, out bool torn)
    {
        var bytes = new byte[size];
        torn = true;
        byte* payload = segment + SegmentHeader.PayloadOffsetValue;
        fixed (byte* destination = bytes)
        {
            // Retried only while locks or backups change hands during the copy; bounded, as a tool must not hang on a busy writer.
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                if (SegmentCore.TryCopyCommittedOnce((SegmentHeader*)segment, payload, SegmentHeader.BackupOf(payload, size), destination, size, out _))
                {
                    torn = false;
                    break;
                }
            }
        }
        return bytes;
    }

    private static byte[] CopyPayload(byte* payload, long size, ulong* lockWord, SegmentInfo info, out bool torn)
    {
        var bytes = new byte[size];
        fixed (byte* destination = bytes)
        {
            // Whether every failed attempt found the same holding (one lock word, waiters bit aside): then the payload
            // did not change under the reads, a holder simply kept the lock, and waiting longer would not help.
            ulong held = 0;
            bool sameHolding = true;
            long heldSince = Environment.TickCount64;
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                if (SegmentCore.TryCopyOnce(payload, destination, size, lockWord, out ulong observed))
                {
                    torn = false;
                    return bytes;
                }
                ulong clean = observed & ~(ulong)LockWord.Waiters;
                if (LockWord.IsFree(observed) || (held != 0 && clean != held))
                    sameHolding = false;
                if (held == 0 && !LockWord.IsFree(observed))
                    held = clean;
                if (info.HolderPid is not null && !info.HolderAlive)
                    break; // a dead holder will not finish: show what it left
                if (sameHolding && held != 0 && Environment.TickCount64 - heldSince >= HeldQuietMs)
                    break;
                Thread.Sleep(1);
            }
            Buffer.MemoryCopy(payload, destination, size, size);
            ulong after = Volatile.Read(ref *lockWord) & ~(ulong)LockWord.Waiters;
            info.PayloadReadWhileHeld = sameHolding && held != 0 && after == held && info.HolderAlive;
        }
        torn = true;
        return bytes;
    }

    private static TimeSpan FromNanoseconds(ulong nanoseconds) => TimeSpan.FromTicks((long)Math.Min(nanoseconds / 100, (ulong)long.MaxValue));
}
