using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>
/// Opening a segment: creating and initialising it, taking over one whose creator died while initialising it, or
/// waiting for it to be ready and validating its header.
/// </summary>
/// <remarks>
/// A creator holds the init marker from before its file has a name until the segment is ready (on Linux the file is
/// created unnamed and linked into place with its header written, so no opener ever sees a half-made file). An opener
/// that finds a segment not ready and the init marker free knows the creator died: it takes the marker and initialises
/// the segment in place, becoming its creator. No case needs a manual delete.
/// </remarks>
internal sealed unsafe partial class SegmentCore
{
    public static SegmentCore Open(string name, long payloadSize, SegmentLayout layout, SharedSegmentOptions? options, TimeSpan? defaultLockTimeout, Action<nint>? initializer)
    {
        SegmentName.Validate(name);
        options ??= SharedSegmentOptions.Default;
        if (payloadSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(payloadSize), "A segment's payload must hold at least one byte.");
        if (payloadSize > SegmentNameRules.MaxPayloadSize)
            throw new ArgumentOutOfRangeException(nameof(payloadSize),
                $"The payload is {payloadSize} bytes; a segment holds at most {SegmentNameRules.MaxPayloadSize} bytes (1 GiB). Split the state into several segments.");
        if (layout.Fingerprint == 0)
            throw new ArgumentException("The layout has no fingerprint; use new SegmentLayout(fingerprint, description).", nameof(layout));
        if (options.ReadOnly && options.Mode != SegmentOpenMode.OpenExisting)
            options = options.WithMode(SegmentOpenMode.OpenExisting);
        CheckOpenTimeout(options.OpenTimeout);
        TimeSpan lockTimeout = options.LockTimeout ?? defaultLockTimeout ?? TimeSpan.FromMilliseconds(SharedSegmentAttribute.DefaultLockTimeoutMilliseconds);
        TimeoutMilliseconds(lockTimeout, "LockTimeout");

        var shape = new Shape(name, payloadSize, layout.Fingerprint, Encoding.UTF8.GetBytes(layout.Description), options.RollbackOnCrash);
        IPlatform platform = Platforms.Current;
        DateTime deadline = DateTime.UtcNow + options.OpenTimeout;
        var request = new MappingRequest { Name = name, Size = AlignUp(SegmentHeader.RequiredLength(payloadSize, options.RollbackOnCrash), 4096), Options = options };
        while (true)
        {
            PlatformMapping mapping = platform.Open(request, deadline);
            SegmentCore? core = null;
            bool initialising = false;
            try
            {
                Attempt attempt = mapping.Created
                    ? PrepareCreated(mapping, shape, options)
                    : PrepareExisting(mapping, shape, options, deadline);
                if (attempt == Attempt.Retry)
                {
                    mapping.Dispose();
                    if (DateTime.UtcNow >= deadline && options.OpenTimeout > TimeSpan.Zero)
                        throw new TimeoutException($"Could not open segment '{name}' within the open timeout ({options.OpenTimeout.TotalMilliseconds} ms): it was being deleted or made anew the whole time.");
                    Thread.Sleep(1);
                    continue;
                }
                initialising = attempt == Attempt.Initialise;
                core = new SegmentCore(platform, mapping, name, payloadSize, layout, options, lockTimeout, isCreator: initialising);
                if (initialising)
                    core.FinishInitialising(shape, initializer);
                return core;
            }
            catch
            {
                if (initialising)
                {
                    // Leave no half-made segment behind: mark it failed (openers waiting on it start over at once) and
                    // remove it, whether this process created it or took it over.
                    var h = (SegmentHeader*)mapping.Pointer;
                    if (h != null)
                        Volatile.Write(ref h->State, SegmentHeader.StateFailed);
                    if (mapping.StillNamed())
                        mapping.RemoveBacking();
                }
                else if (mapping.Created)
                {
                    mapping.RemoveBacking();
                }
                if (core is not null)
                    core.Dispose();
                else
                {
                    mapping.Markers.ReleaseAll();
                    mapping.Dispose();
                }
                throw;
            }
        }
    }

    /// <summary>What this build expects a segment to hold.</summary>
    private sealed record Shape(string Name, long PayloadSize, ulong Fingerprint, byte[] Description, bool RollbackOnCrash)
    {
        public long RequiredLength => SegmentHeader.RequiredLength(PayloadSize, RollbackOnCrash);
    }

    private enum Attempt { Initialise, Open, Retry }

    /// <summary>A file this call created: hold the init marker, write the header, and give it its name.</summary>
    private static Attempt PrepareCreated(PlatformMapping mapping, Shape shape, SharedSegmentOptions options)
    {
        // A file created under its name (where it cannot be created unnamed) can be opened by a deleter at once: while
        // that deleter holds the gate, the name is its to remove. Start over without touching the name.
        if (!mapping.Markers.TryAttach(readOnly: false))
            return Attempt.Retry;
        if (!mapping.Markers.TryHoldInit())
            throw new IOException($"Cannot hold the initialisation marker of the new segment '{shape.Name}' ({mapping.Location}).");
        WriteHeader((SegmentHeader*)mapping.Pointer, mapping, shape);
        // A file named from the start may have been deleted before this process attached (and the name given to another
        // file); one linked just now cannot, as this process was attached before the link.
        if (mapping.TryPublish(out bool nameTaken))
            return mapping.StillNamed() ? Attempt.Initialise : Attempt.Retry;
        // Another creator's segment took the name while this one was prepared: open that one instead.
        if (nameTaken && options.Mode == SegmentOpenMode.CreateNew)
            throw new IOException($"Cannot create segment '{shape.Name}' ({mapping.Location}): it already exists (mode CreateNew). Open it with CreateOrOpen or OpenExisting, or delete it first.");
        return Attempt.Retry;
    }

    /// <summary>An existing segment: attach, wait until it is ready (or take it over from a dead creator), validate.</summary>
    private static Attempt PrepareExisting(PlatformMapping mapping, Shape shape, SharedSegmentOptions options, DateTime deadline)
    {
        var h = (SegmentHeader*)mapping.Pointer;
        ProcessMarkers markers = mapping.Markers;
        string what = options.FilePath is null ? $"Segment '{shape.Name}' ({mapping.Location})" : $"Segment file '{mapping.Location}'";
        const string untouched = " It was left untouched; delete it if it is yours, or pick another name.";

        // A deleter holds the gate exclusively while it removes the name; an opener that got here first must not
        // attach to a file that is going away, and one that attached must still find its file under the name.
        if ((!options.Observer && !markers.TryAttach(mapping.ReadOnly)) || !mapping.StillNamed())
            return Attempt.Retry;
        string? start = HeaderValidation.StartProblem(mapping.Pointer, mapping.Length);
        if (start is not null)
            throw new InvalidDataException($"{what} {start}.{untouched}");

        while (true)
        {
            uint state = Volatile.Read(ref h->State);
            if (state == SegmentHeader.StateReady)
                break;
            if (state == SegmentHeader.StateFailed)
                return Attempt.Retry; // its creator gave up and removes it: start over
            bool started = Volatile.Read(ref h->Magic) == SegmentHeader.MagicValue;
            // Read after the magic: a creator writes its identity before it.
            CreatorIdentity creator = CreatorField.Read(h);
            bool creatorDead = started && !markers.IsInitHeld(creator.Pid, creator.StartTimeToJudge);
            if (creatorDead && !mapping.ReadOnly && TryTakeOver(mapping, shape, creator))
                return Attempt.Initialise;
            if (DateTime.UtcNow >= deadline)
            {
                if (!started)
                    throw new InvalidDataException($"{what} is all zeros: it is not a SharedStruct segment, or its creator died before writing the header.{untouched}");
                if (creatorDead)
                    throw new TimeoutException($"{what} was left unfinished by its creator (process {creator.Pid}), which died while initialising it. A read-only view cannot finish it; the next writable open does.");
                throw new TimeoutException($"{what} is still being initialised by process {creator.Pid} after the open timeout ({options.OpenTimeout.TotalMilliseconds} ms). Raise SharedSegmentOptions.OpenTimeout if its initializer is slow.");
            }
            Thread.Sleep(1);
        }

        string? problem = HeaderValidation.ReadyProblem(mapping.Pointer, mapping.Length);
        if (problem is not null)
            throw new InvalidDataException($"{what} {problem}.{(HeaderValidation.IsVersionProblem(mapping.Pointer) ? "" : untouched)}");
        if (h->PayloadSize != (ulong)shape.PayloadSize || (h->Fingerprint != shape.Fingerprint && !IsEarlierFingerprintOfThisLayout(mapping.Pointer, shape)))
            throw Mismatch(what, mapping.Pointer, shape, options);
        // An observer (a tool, a watcher) takes whatever mode the segment has; a program states its own.
        if (!options.Observer && SegmentHeader.RollsBack(h) != shape.RollbackOnCrash)
            throw ModeMismatch(what, mapping.Pointer, shape, options);
        long required = SegmentHeader.RequiredLength(shape.PayloadSize, SegmentHeader.RollsBack(h));
        if (mapping.Length < required)
            throw new InvalidDataException($"{what} is truncated: {mapping.Length} bytes, but its header says the payload needs {required}.{untouched}");
        return Attempt.Open;
    }

    /// <summary>
    /// The segment's creator, read as <paramref name="dead"/>, died before it was ready: take the init marker and claim
    /// the creator field (one opener wins either way, see <see cref="CreatorField"/>), and start its initialisation
    /// over, as this build's layout.
    /// </summary>
    private static bool TryTakeOver(PlatformMapping mapping, Shape shape, CreatorIdentity dead)
    {
        var h = (SegmentHeader*)mapping.Pointer;
        if (!mapping.Markers.TryHoldInit())
            return false; // another opener is taking it over
        // Everything that can refuse is checked before the claim: a claim, once made, tells every other opener to wait.
        if (Volatile.Read(ref h->State) != SegmentHeader.StateInitializing ||
            mapping.Length < shape.RequiredLength ||
            !CreatorField.TryClaim(h, dead, Platforms.Current.CurrentProcess))
        {
            mapping.Markers.ReleaseInit();
            return false;
        }
        // Whatever the dead creator's initializer wrote is discarded: the payload starts from zeros, as for any creator.
        // (With the backup copy of a crash-atomic segment: a little over 2 GiB at most, hence cleared in pieces.)
        ClearBytes(mapping.Pointer + SegmentHeader.PayloadOffsetValue, shape.RequiredLength - SegmentHeader.PayloadOffsetValue);
        WriteHeader(h, mapping, shape);
        return true;
    }

    private static void WriteHeader(SegmentHeader* h, PlatformMapping mapping, Shape shape)
    {
        ProcessIdentity me = Platforms.Current.CurrentProcess;
        h->CreatorPidNamespace = me.PidNamespace;
        h->FormatVersion = shape.RollbackOnCrash ? SegmentHeader.RollbackFormatVersion : SegmentHeader.CurrentFormatVersion;
        h->Flags = shape.RollbackOnCrash ? SegmentHeader.FlagRollbackOnCrash : 0;
        h->BackupWord = 0;
        h->Fingerprint = shape.Fingerprint;
        h->PayloadSize = (ulong)shape.PayloadSize;
        h->PayloadOffset = SegmentHeader.PayloadOffsetValue;
        h->SlotTableCount = SegmentHeader.SlotCount;
        h->CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        h->DescriptionStart = SegmentHeader.DescriptionOffset;
        h->SlotTableStart = SegmentHeader.SlotTableOffset;
        if (shape.Description.Length <= SegmentHeader.DescriptionCapacity)
        {
            shape.Description.CopyTo(new Span<byte>(mapping.Pointer + SegmentHeader.DescriptionOffset, shape.Description.Length));
            h->DescriptionLength = (uint)shape.Description.Length;
        }
        else
        {
            h->DescriptionLength = SegmentHeader.DescriptionNotStored;
        }
        // The start time before the pid (a taker's claim turns into its pid only here), both before the magic.
        CreatorField.Publish(h, me);
        // The magic last among the identity fields: an opener that sees it knows a creator has started.
        Volatile.Write(ref h->Magic, SegmentHeader.MagicValue);
    }

    /// <summary>Runs the initializer (before anyone can lock: openers wait for Ready), then opens the segment for all.</summary>
    private void FinishInitialising(Shape shape, Action<nint>? initializer)
    {
        _header->CreatorToken = _token;
        // The payload of a new file reads as zeros, and a taken-over one was cleared.
        initializer?.Invoke((nint)_payload);
        // The initial state is the first committed one: a holder that dies in the first critical section rolls back to it.
        if (_rollback)
            BackUpInitial();
        _header->Checksum = ComputeChecksum((byte*)_header);
        Volatile.Write(ref _header->State, SegmentHeader.StateReady);
        _markers.ReleaseInit();
    }

    /// <summary>
    /// Whether the segment was made by a build whose fingerprint hashed the whole description, struct name included,
    /// for the layout this build expects: its stored fingerprint is the whole-text hash of its stored description
    /// (which the header checksum covers), and that description, name left out, hashes to this build's fingerprint.
    /// Such a segment holds the same bytes in the same places, so it is opened rather than refused.
    /// </summary>
    private static bool IsEarlierFingerprintOfThisLayout(byte* segment, Shape shape)
    {
        string? stored = ReadDescription(segment);
        return stored is not null && LayoutFingerprint.IsCanonical(stored)
            && ((SegmentHeader*)segment)->Fingerprint == LayoutFingerprint.ComputeWholeText(stored)
            && LayoutFingerprint.Compute(stored) == shape.Fingerprint;
    }

    /// <summary>The most differences a mismatch message lists; the exception's Differences has them all.</summary>
    private const int DifferencesInMessage = 12;

    private static SegmentLayoutMismatchException Mismatch(string what, byte* segment, Shape shape, SharedSegmentOptions options)
    {
        var h = (SegmentHeader*)segment;
        string? stored = ReadDescription(segment);
        string expected = Encoding.UTF8.GetString(shape.Description);
        IReadOnlyList<string> differences = LayoutDifferences.Compare(stored, expected);
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture,
            $"{what} was created for a different payload layout: it holds fingerprint 0x{h->Fingerprint:X16} with a {h->PayloadSize}-byte payload, ");
        message.Append(CultureInfo.InvariantCulture,
            $"but this program expects fingerprint 0x{shape.Fingerprint:X16} with a {shape.PayloadSize}-byte payload.");
        if (differences.Count > 0)
        {
            message.Append(" What differs, from the segment's layout to this program's: ");
            for (int i = 0; i < differences.Count && i < DifferencesInMessage; i++)
                message.Append(i == 0 ? "" : "; ").Append(differences[i]);
            if (differences.Count > DifferencesInMessage)
                message.Append(CultureInfo.InvariantCulture, $"; and {differences.Count - DifferencesInMessage} more (see the exception's Differences)");
            message.Append('.');
            string? storedName = LayoutDifferences.StructName(stored);
            string? expectedName = LayoutDifferences.StructName(expected);
            if (storedName != expectedName)
                message.Append(CultureInfo.InvariantCulture, $" (The segment was made for struct {storedName}, this program's is {expectedName}.)");
        }
        else if (stored is null)
        {
            message.Append(" The segment stores no layout description (its creator's was too long for the header), so the fields that differ cannot be named.");
        }
        else if (LayoutFingerprint.IsCanonical(stored) && LayoutFingerprint.IsCanonical(expected))
        {
            message.Append(" Both layout descriptions list the same fields at the same offsets: one of the fingerprints was not computed from its description (SegmentLayout.ComputeFingerprint).");
        }
        else
        {
            message.Append(" Another struct, or another build of it, made it. Stored layout: ").Append(FirstLine(stored))
                .Append("; this program's: ").Append(FirstLine(expected)).Append('.');
        }
        message.Append(' ').Append(RemedyForMismatch(shape.Name, options));
        return new SegmentLayoutMismatchException(shape.Name, shape.Fingerprint, shape.PayloadSize, h->Fingerprint, (long)h->PayloadSize,
            expected, stored, differences, message.ToString());
    }

    private static string RemedyForMismatch(string name, SharedSegmentOptions options) =>
        OperatingSystem.IsWindows() && options.FilePath is null
            // A page-file-backed section cannot be deleted by name: it goes away with the last handle to it.
            ? "Close every program that has it open (it disappears with the last one), or use a new name."
            : $"Close the programs using the old layout and delete the segment (SharedSegment.Delete(\"{name}\")), or use a new name.";

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s.Substring(0, nl) + " …";
    }

    internal static string? ReadDescription(byte* segment)
    {
        var h = (SegmentHeader*)segment;
        if (h->DescriptionLength == SegmentHeader.DescriptionNotStored || h->DescriptionLength > SegmentHeader.DescriptionCapacity)
            return null;
        return Encoding.UTF8.GetString(segment + SegmentHeader.DescriptionOffset, (int)h->DescriptionLength);
    }

    /// <summary>FNV-1a over every identity field except State, plus the description.</summary>
    internal static ulong ComputeChecksum(byte* segment)
    {
        var h = (SegmentHeader*)segment;
        ulong hash = Fnv1a.OffsetBasis;
        hash = Fnv1a.Add(hash, segment, 12);
        hash = Fnv1a.Add(hash, segment + 16, 48);
        hash = Fnv1a.Add(hash, segment + 72, 8);
        // Only from version 3 on: a version-2 segment's checksum is what every earlier runtime computed.
        if (h->FormatVersion >= SegmentHeader.RollbackFormatVersion)
            hash = Fnv1a.Add(hash, segment + SegmentHeader.FlagsOffset, 4);
        uint length = h->DescriptionLength;
        if (length != SegmentHeader.DescriptionNotStored && length <= SegmentHeader.DescriptionCapacity)
            hash = Fnv1a.Add(hash, segment + SegmentHeader.DescriptionOffset, (int)length);
        return hash;
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);

    private static void ClearBytes(byte* start, long length)
    {
        for (long done = 0; done < length; done += int.MaxValue)
            new Span<byte>(start + done, (int)Math.Min(int.MaxValue, length - done)).Clear();
    }

    /// <summary>The segment was made in the other crash-atomic mode: its writers would not keep (or would not expect) a backup.</summary>
    private static SegmentLayoutMismatchException ModeMismatch(string what, byte* segment, Shape shape, SharedSegmentOptions options)
    {
        var h = (SegmentHeader*)segment;
        bool theirs = SegmentHeader.RollsBack(h);
        string Mode(bool on) => on ? "RollbackOnCrash = true" : "RollbackOnCrash = false";
        string difference = $"the crash-atomic mode changed from {Mode(theirs)} to {Mode(shape.RollbackOnCrash)}";
        string message = $"{what} was created with {Mode(theirs)}, but this program opens it with {Mode(shape.RollbackOnCrash)}. " +
            "Every process that shares a segment must use the same mode ([SharedSegment(..., RollbackOnCrash = ...)] or SharedSegmentOptions.RollbackOnCrash): " +
            "a process in the other mode would skip the backup, and its writes would be lost to a rollback or hidden from readers. " +
            RemedyForMismatch(shape.Name, options);
        string expected = Encoding.UTF8.GetString(shape.Description);
        return new SegmentLayoutMismatchException(shape.Name, shape.Fingerprint, shape.PayloadSize, h->Fingerprint, (long)h->PayloadSize,
            expected, ReadDescription(segment), new[] { difference }, message);
    }

    /// <summary>The longest finite timeout, in ticks: whatever truncates to int.MaxValue milliseconds.</summary>
    private const long MaxTimeoutTicks = int.MaxValue * TimeSpan.TicksPerMillisecond + (TimeSpan.TicksPerMillisecond - 1);

    private const string TimeoutRange = "between 0 and int.MaxValue milliseconds (about 24.8 days)";

    /// <summary>Validates a lock or read timeout, the same way on every call, contended or not.</summary>
    internal static int TimeoutMilliseconds(TimeSpan timeout, string paramName = "timeout")
    {
        CheckTimeout(timeout, paramName);
        return timeout.Ticks < 0 ? Timeout.Infinite : (int)(timeout.Ticks / TimeSpan.TicksPerMillisecond);
    }

    /// <summary>
    /// The check of <see cref="TimeoutMilliseconds"/>, cheap enough for the lock's fast path: valid are
    /// <see cref="Timeout.InfiniteTimeSpan"/> (-1 ms exactly) and 0 up to int.MaxValue milliseconds.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void CheckTimeout(TimeSpan timeout, string paramName = "timeout")
    {
        if ((ulong)timeout.Ticks > MaxTimeoutTicks && timeout.Ticks != -TimeSpan.TicksPerMillisecond)
            ThrowBadTimeout(timeout, paramName);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowBadTimeout(TimeSpan timeout, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, timeout,
            $"The timeout must be Timeout.InfiniteTimeSpan (exactly -1 ms) or {TimeoutRange}.");

    /// <summary>
    /// The check of <see cref="CheckTimeout"/> without its infinite value, for <see cref="SharedSegmentOptions.OpenTimeout"/>
    /// (which says why it must be finite). Its deadline, <c>DateTime.UtcNow + OpenTimeout</c>, is then representable.
    /// </summary>
    internal static void CheckOpenTimeout(TimeSpan timeout)
    {
        if ((ulong)timeout.Ticks > MaxTimeoutTicks)
            throw new ArgumentOutOfRangeException(nameof(SharedSegmentOptions.OpenTimeout), timeout,
                $"The open timeout must be {TimeoutRange}. It cannot be infinite: a creator that died before writing the segment's header looks like a slow one, and only the timeout ends that wait.");
    }
}
