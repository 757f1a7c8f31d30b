using System.Collections.Generic;
using SharedStruct.Platform;

namespace SharedStruct;

/// <summary>Operations on segments by name, without opening them.</summary>
public static class SharedSegment
{
    /// <summary>The largest payload a segment may hold (1 GiB).</summary>
    public const long MaxPayloadSize = SegmentNameRules.MaxPayloadSize;

    /// <summary>
    /// The largest payload (64 KiB) the generator gives by-value snapshot APIs (<c>ReadSnapshot()</c> returning the
    /// struct, <c>WatchAsync</c>): a by-value copy of a few MiB overflows a thread's stack. Larger payloads are read with
    /// <c>ReadSnapshot(ref T destination, TimeSpan timeout)</c> or a <c>Read</c> helper.
    /// </summary>
    public const int MaxByValueSnapshotSize = PayloadLimits.MaxByValueSize;

    /// <summary>Bytes in front of the payload: header, layout description and process table. The payload starts on a page boundary.</summary>
    public const int HeaderSize = Format.SegmentHeader.PayloadOffsetValue;

    /// <summary>
    /// Removes the named segment if no process has it open. Returns false if there was none. The next <c>Open</c>
    /// creates a fresh one. On Windows a named segment cannot be deleted: it vanishes by itself when the last process
    /// that has it open closes it, so this always returns false there.
    /// </summary>
    /// <exception cref="SegmentInUseException">
    /// Another process has it open (a writer or a read-only reader): deleting it would leave them on a segment nobody
    /// else can find. Use <see cref="ForceDelete"/> to remove the name anyway.
    /// </exception>
    public static bool Delete(string name, SharedSegmentOptions? options = null)
    {
        SegmentName.Validate(name);
        return Platforms.Current.Delete(name, options ?? SharedSegmentOptions.Default, force: false);
    }

    /// <summary>
    /// Removes the named segment's name even while processes have it open; they keep using the old segment, unseen by
    /// anyone who opens the name afterwards. For tools and cleanup of known-dead state. Returns false if there was none.
    /// </summary>
    public static bool ForceDelete(string name, SharedSegmentOptions? options = null)
    {
        SegmentName.Validate(name);
        return Platforms.Current.Delete(name, options ?? SharedSegmentOptions.Default, force: true);
    }

    /// <summary>Where the named segment lives (a file path on Unix, a kernel object name on Windows).</summary>
    public static string Locate(string name, SharedSegmentOptions? options = null)
    {
        SegmentName.Validate(name);
        return Platforms.Current.Locate(name, options ?? SharedSegmentOptions.Default);
    }

    /// <summary>The names of the named segments that exist in the segment directory (Unix; always empty on Windows, which cannot list them).</summary>
    public static IEnumerable<string> EnumerateNames(SharedSegmentOptions? options = null) =>
        Platforms.Current.EnumerateNames(options ?? SharedSegmentOptions.Default);
}
