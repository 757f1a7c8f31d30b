using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace SharedStruct.Scenarios;

/// <summary>
/// Whether a path still names the file this process has mapped at an address (Linux). Asked independently of the
/// runtime's own check: the mapped file's device and inode come from /proc/self/maps, the path's from statx.
/// </summary>
internal static unsafe partial class NameCheck
{
    /// <summary>Null when <paramref name="path"/> names the file mapped at <paramref name="address"/>; otherwise what it names instead.</summary>
    public static string? Problem(string path, void* address)
    {
        if (!TryMapped((ulong)address, out uint major, out uint minor, out ulong inode))
            return $"no mapping at 0x{(ulong)address:x} in /proc/self/maps";
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxIno, buffer) != 0)
            return $"the name is gone (errno {Marshal.GetLastPInvokeError()}); mapped {major}:{minor} inode {inode}";
        // struct statx: stx_ino u64 at 32, stx_dev_major u32 at 136, stx_dev_minor u32 at 140.
        ulong namedInode = *(ulong*)(buffer + 32);
        uint namedMajor = *(uint*)(buffer + 136), namedMinor = *(uint*)(buffer + 140);
        if (namedInode == inode && namedMajor == major && namedMinor == minor)
            return null;
        return $"the name leads to {namedMajor}:{namedMinor} inode {namedInode}; mapped {major}:{minor} inode {inode}";
    }

    /// <summary>The device and inode of the file mapped at <paramref name="address"/>: "start-end perms offset MM:mm inode path".</summary>
    private static bool TryMapped(ulong address, out uint major, out uint minor, out ulong inode)
    {
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5)
                continue;
            int dash = fields[0].IndexOf('-');
            ulong start = ulong.Parse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong end = ulong.Parse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (address < start || address >= end)
                continue;
            int colon = fields[3].IndexOf(':');
            major = uint.Parse(fields[3].AsSpan(0, colon), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            minor = uint.Parse(fields[3].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            inode = ulong.Parse(fields[4], CultureInfo.InvariantCulture);
            return true;
        }
        major = minor = 0;
        inode = 0;
        return false;
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxIno = 0x100;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
