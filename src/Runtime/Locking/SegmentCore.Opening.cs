using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using SharedStruct.Format;
using SharedStruct.Platform;

namespace SharedStruct.Locking;

/// <summary>Opening a segment: creating and initialising it, or waiting for it to be ready and validating its header.</summary>
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
        if (options.OpenTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), "OpenTimeout must not be negative.");
        TimeSpan lockTimeout = options.LockTimeout ?? defaultLockTimeout ?? TimeSpan.FromMilliseconds(SharedSegmentAttribute.DefaultLockTimeoutMilliseconds);
        TimeoutMilliseconds(lockTimeout, "LockTimeout");

        byte[] description = Encoding.UTF8.GetBytes(layout.Description);
        long total = AlignUp(SegmentHeader.PayloadOffsetValue + payloadSize, 4096);
        IPlatform platform = Platforms.Current;
        DateTime deadline = DateTime.UtcNow + options.OpenTimeout;
        PlatformMapping mapping = platform.Open(new MappingRequest { Name = name, Size = total, Options = options }, deadline);
        try
        {
            var header = (SegmentHeader*)mapping.Pointer;
            if (mapping.Created)
                Initialize(header, mapping, payloadSize, layout.Fingerprint, description, platform, initializer);
            else
                WaitUntilReadyAndValidate(header, mapping, name, payloadSize, layout.Fingerprint, platform, deadline, options);
            return new SegmentCore(platform, mapping, name, payloadSize, layout, options, lockTimeout);
        }
        catch
        {
            // Leave no half-made segment behind: a creator that failed removes what it made.
            if (mapping.Created)
                mapping.RemoveBacking();
            mapping.Dispose();
            throw;
        }
    }

    private static void Initialize(SegmentHeader* h, PlatformMapping mapping, long payloadSize, ulong fingerprint, byte[] description, IPlatform platform, Action<nint>? initializer)
    {
        ProcessIdentity me = platform.CurrentProcess;
        // The magic goes first so that a racing opener knows this is a segment being initialised, not a foreign file.
        h->CreatorPid = me.Pid;
        h->CreatorStartTime = me.StartTime;
        Volatile.Write(ref h->Magic, SegmentHeader.MagicValue);
        h->FormatVersion = SegmentHeader.CurrentFormatVersion;
        h->Fingerprint = fingerprint;
        h->PayloadSize = (ulong)payloadSize;
        h->PayloadOffset = SegmentHeader.PayloadOffsetValue;
        h->SlotTableCount = SegmentHeader.SlotCount;
        h->CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        h->DescriptionStart = SegmentHeader.DescriptionOffset;
        h->SlotTableStart = SegmentHeader.SlotTableOffset;
        if (description.Length <= SegmentHeader.DescriptionCapacity)
        {
            description.CopyTo(new Span<byte>(mapping.Pointer + SegmentHeader.DescriptionOffset, description.Length));
            h->DescriptionLength = (uint)description.Length;
        }
        else
        {
            h->DescriptionLength = SegmentHeader.DescriptionNotStored;
        }
        // The payload is already zero: a new file reads as zeros. The initializer runs before anyone can lock,
        // because openers wait for StateReady.
        initializer?.Invoke((nint)(mapping.Pointer + SegmentHeader.PayloadOffsetValue));
        h->Checksum = ComputeChecksum(mapping.Pointer);
        Volatile.Write(ref h->State, SegmentHeader.StateReady);
    }

    private static void WaitUntilReadyAndValidate(SegmentHeader* h, PlatformMapping mapping, string name, long payloadSize, ulong fingerprint, IPlatform platform, DateTime deadline, SharedSegmentOptions options)
    {
        string what = options.FilePath is null ? $"Segment '{name}' ({mapping.Location})" : $"Segment file '{mapping.Location}'";
        const string untouched = " It was left untouched; delete it if it is yours, or pick another name.";
        if (mapping.Length < 8 || (h->Magic != SegmentHeader.MagicValue && h->Magic != 0))
            throw new InvalidDataException($"{what} is not a SharedStruct segment: it does not start with the segment magic number (a foreign or corrupted file).{untouched}");
        if (mapping.Length < SegmentHeader.PayloadOffsetValue)
            throw new InvalidDataException($"{what} is truncated: {mapping.Length} bytes, shorter than a segment header ({SegmentHeader.PayloadOffsetValue} bytes).{untouched}");

        while (Volatile.Read(ref h->State) != SegmentHeader.StateReady)
        {
            bool creatorKnown = Volatile.Read(ref h->Magic) == SegmentHeader.MagicValue;
            if (creatorKnown && !platform.IsAlive(h->CreatorPid, h->CreatorStartTime))
                throw new InvalidDataException($"{what} was never finished: its creator (process {h->CreatorPid}) died while initialising it. Delete it and open again.");
            if (DateTime.UtcNow >= deadline)
            {
                if (!creatorKnown)
                    throw new InvalidDataException($"{what} is all zeros: it is not a SharedStruct segment, or its creator died before writing the header.{untouched}");
                throw new TimeoutException($"{what} is still being initialised by process {h->CreatorPid} after the open timeout ({options.OpenTimeout.TotalMilliseconds} ms). Raise SharedSegmentOptions.OpenTimeout if its initializer is slow.");
            }
            Thread.Sleep(1);
        }

        if (h->Magic != SegmentHeader.MagicValue)
            throw new InvalidDataException($"{what} is not a SharedStruct segment: it does not start with the segment magic number.{untouched}");
        if (h->FormatVersion != SegmentHeader.CurrentFormatVersion)
            throw new InvalidDataException($"{what} has header format version {h->FormatVersion}; this runtime reads version {SegmentHeader.CurrentFormatVersion}. Update SharedStruct in every process that shares it, or delete the segment.");
        if (h->Checksum != ComputeChecksum(mapping.Pointer) || h->PayloadOffset != SegmentHeader.PayloadOffsetValue ||
            h->SlotTableStart != SegmentHeader.SlotTableOffset || h->SlotTableCount != SegmentHeader.SlotCount)
            throw new InvalidDataException($"{what} has a corrupted header (checksum or offsets do not match).{untouched}");
        if (h->Fingerprint != fingerprint || h->PayloadSize != (ulong)payloadSize)
        {
            string stored = ReadDescription(mapping.Pointer) ?? "(not stored)";
            throw new SegmentLayoutMismatchException(name, fingerprint, payloadSize, h->Fingerprint, (long)h->PayloadSize,
                $"{what} was created for a different payload layout: it holds fingerprint 0x{h->Fingerprint:X16} with a {h->PayloadSize}-byte payload, " +
                $"but this program expects fingerprint 0x{fingerprint:X16} with a {payloadSize}-byte payload. Another struct (or another build of it) made it. " +
                RemedyForMismatch(name, options) + $" Stored layout: {FirstLine(stored)}");
        }
        if (mapping.Length < SegmentHeader.PayloadOffsetValue + payloadSize)
            throw new InvalidDataException($"{what} is truncated: {mapping.Length} bytes, but its header says the payload needs {SegmentHeader.PayloadOffsetValue + payloadSize}.{untouched}");
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
        uint length = h->DescriptionLength;
        if (length != SegmentHeader.DescriptionNotStored && length <= SegmentHeader.DescriptionCapacity)
            hash = Fnv1a.Add(hash, segment + SegmentHeader.DescriptionOffset, (int)length);
        return hash;
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);

    internal static int TimeoutMilliseconds(TimeSpan timeout, string paramName = "timeout")
    {
        long ms = (long)timeout.TotalMilliseconds;
        if (ms < -1 || ms > int.MaxValue)
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must be Timeout.InfiniteTimeSpan or between 0 and int.MaxValue milliseconds.");
        return (int)ms;
    }
}
