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

/// <summary>
/// The non-generic heart of a segment: opening and validating the mapping, the process table, and the lock.
/// <see cref="SharedSegment{T}"/> and <see cref="ReadOnlySharedSegment{T}"/> are thin typed views over it.
/// </summary>
internal sealed unsafe partial class SegmentCore : IDisposable
{
    private const int LivenessQuietMs = 5;
    private const int LivenessIntervalMs = 10;
    private const int SpinIterations = 64;

    private readonly IPlatform _platform;
    private PlatformMapping? _mapping;
    private SegmentHeader* _header;
    private ulong* _lockWord;
    private readonly byte* _payload;
    private readonly uint _token;
    private readonly int _slotIndex = -1;
    private readonly ulong _slotOwner;

    public string Name { get; }
    public string Location { get; }
    public bool IsCreator { get; }
    public bool IsFileBacked { get; }
    public long PayloadSize { get; }
    public ulong Fingerprint { get; }
    public TimeSpan DefaultLockTimeout { get; }
    private readonly SharedSegmentOptions _options;

    public byte* Payload
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_lockWord == null)
                ThrowDisposed();
            return _payload;
        }
    }

    private SegmentCore(IPlatform platform, PlatformMapping mapping, string name, long payloadSize, SegmentLayout layout, SharedSegmentOptions options, TimeSpan defaultLockTimeout)
    {
        _platform = platform;
        _mapping = mapping;
        _header = (SegmentHeader*)mapping.Pointer;
        _lockWord = &_header->LockWord;
        _payload = mapping.Pointer + SegmentHeader.PayloadOffsetValue;
        Name = name;
        Location = mapping.Location;
        IsCreator = mapping.Created;
        IsFileBacked = options.FilePath is not null;
        PayloadSize = payloadSize;
        Fingerprint = layout.Fingerprint;
        DefaultLockTimeout = defaultLockTimeout;
        _options = options;
        if (!mapping.ReadOnly)
            (_slotIndex, _token, _slotOwner) = ClaimSlot();
    }

    public void Flush()
    {
        if (_mapping is null)
            ThrowDisposed();
        _mapping.Flush();
    }

    public bool DeleteBacking()
    {
        if (!IsFileBacked)
            return _platform.Delete(Name, _options);
        if (!File.Exists(Location))
            return false;
        File.Delete(Location);
        return true;
    }

    public void Dispose()
    {
        PlatformMapping? mapping = Interlocked.Exchange(ref _mapping, null);
        if (mapping is null)
            return;
        if (_slotIndex >= 0)
            Interlocked.CompareExchange(ref Slot(_slotIndex)->Owner, _slotOwner & 0xFFFF_FFFF_0000_0000UL, _slotOwner);
        _lockWord = null;
        _header = null;
        mapping.Dispose();
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException($"segment '{Name}'");
}
