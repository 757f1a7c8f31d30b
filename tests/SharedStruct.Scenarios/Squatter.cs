using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace SharedStruct.Scenarios;

/// <summary>Plays another user: a section named like a segment, owned by SYSTEM and open to everyone.</summary>
internal static unsafe partial class Squatter
{
    public static nint Create(string objectName)
    {
        void* descriptor;
        // Owner LocalSystem, everyone may do everything: a segment an owner-only opener must not trust.
        if (ConvertStringSecurityDescriptorToSecurityDescriptorW("O:SYD:(A;;GA;;;WD)", 1, &descriptor, null) == 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        try
        {
            var attributes = new SecurityAttributes { Length = (uint)sizeof(SecurityAttributes), SecurityDescriptor = descriptor };
            nint section = CreateFileMappingW(-1, &attributes, 0x04, 0, 1 << 20, objectName);
            if (section == 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError());
            return section;
        }
        finally
        {
            LocalFree(descriptor);
        }
    }

    public static void Close(nint handle) => CloseHandle(handle);

    [StructLayout(LayoutKind.Sequential)]
    private struct SecurityAttributes
    {
        public uint Length;
        public void* SecurityDescriptor;
        public int InheritHandle;
    }

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial int ConvertStringSecurityDescriptorToSecurityDescriptorW(string descriptor, uint revision, void** securityDescriptor, uint* size);

    [LibraryImport("kernel32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial nint CreateFileMappingW(nint file, SecurityAttributes* attributes, uint protect, uint sizeHigh, uint sizeLow, string name);

    [LibraryImport("kernel32.dll")]
    private static partial nint LocalFree(void* memory);

    [LibraryImport("kernel32.dll")]
    private static partial int CloseHandle(nint handle);
}
