using System.Runtime.InteropServices;

namespace SharedStruct.Platform.Windows;

/// <summary>The Win32 calls the Windows platform layer needs. Blittable signatures; strings are UTF-16 and pinned.</summary>
internal static unsafe partial class Win32
{
    private const string Kernel32 = "kernel32.dll";
    private const string Advapi32 = "advapi32.dll";

    public static readonly nint InvalidHandleValue = -1;

    // Errors.
    public const int ERROR_FILE_NOT_FOUND = 2;
    public const int ERROR_PATH_NOT_FOUND = 3;
    public const int ERROR_ACCESS_DENIED = 5;
    public const int ERROR_INVALID_HANDLE = 6;
    public const int ERROR_FILE_EXISTS = 80;
    public const int ERROR_INVALID_PARAMETER = 87;
    public const int ERROR_ALREADY_EXISTS = 183;

    // Page protection and view access.
    public const uint PAGE_READONLY = 0x02;
    public const uint PAGE_READWRITE = 0x04;
    public const uint FILE_MAP_WRITE = 0x0002;
    public const uint FILE_MAP_READ = 0x0004;
    public const uint READ_CONTROL = 0x0002_0000;
    public const uint SYNCHRONIZE = 0x0010_0000;
    public const uint EVENT_MODIFY_STATE = 0x0002;

    // Files.
    public const uint GENERIC_READ = 0x8000_0000;
    public const uint GENERIC_WRITE = 0x4000_0000;
    public const uint FILE_SHARE_READ = 1;
    public const uint FILE_SHARE_WRITE = 2;
    public const uint FILE_SHARE_DELETE = 4;
    public const uint CREATE_NEW = 1;
    public const uint OPEN_EXISTING = 3;
    public const uint OPEN_ALWAYS = 4;
    public const uint FILE_ATTRIBUTE_NORMAL = 0x80;
    public const uint DRIVE_REMOTE = 4;

    // Processes.
    public const uint PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
    public const uint STILL_ACTIVE = 259;
    public const uint WAIT_OBJECT_0 = 0;
    public const uint WAIT_TIMEOUT = 0x102;

    // Security.
    public const uint TOKEN_QUERY = 0x0008;
    public const int TokenUser = 1;
    public const int TokenPrimaryGroup = 5;
    public const uint SDDL_REVISION_1 = 1;
    public const int SE_KERNEL_OBJECT = 6;
    public const uint OWNER_SECURITY_INFORMATION = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct SecurityAttributes
    {
        public uint Length;
        public void* SecurityDescriptor;
        public int InheritHandle;
    }

    [LibraryImport(Kernel32, SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial nint CreateFileMappingW(nint file, SecurityAttributes* attributes, uint protect, uint maximumSizeHigh, uint maximumSizeLow, string? name);

    [LibraryImport(Kernel32, SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial nint OpenFileMappingW(uint desiredAccess, int inheritHandle, string name);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial void* MapViewOfFile(nint mapping, uint desiredAccess, uint offsetHigh, uint offsetLow, nuint bytes);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int UnmapViewOfFile(void* address);

    /// <summary>The calling thread's stack, [low, high) (Windows 8 and later).</summary>
    [LibraryImport(Kernel32)]
    public static partial void GetCurrentThreadStackLimits(out nuint low, out nuint high);

    /// <summary>Fills a MEMORY_BASIC_INFORMATION; read it with <see cref="RegionSizeOffset"/>.</summary>
    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial nuint VirtualQuery(void* address, byte* buffer, nuint length);

    /// <summary>Offset of RegionSize in MEMORY_BASIC_INFORMATION: after two pointers and two DWORD-sized fields.</summary>
    public static int RegionSizeOffset => sizeof(nint) == 8 ? 24 : 12;

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int FlushViewOfFile(void* address, nuint bytes);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int FlushFileBuffers(nint file);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int CloseHandle(nint handle);

    [LibraryImport(Kernel32, SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial nint CreateFileW(string path, uint desiredAccess, uint shareMode, SecurityAttributes* attributes, uint creationDisposition, uint flags, nint template);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int GetFileSizeEx(nint file, long* size);

    [LibraryImport(Kernel32, SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial int DeleteFileW(string path);

    [LibraryImport(Kernel32, StringMarshalling = StringMarshalling.Utf16)]
    public static partial uint GetDriveTypeW(string root);

    [LibraryImport(Kernel32, SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial nint CreateEventW(SecurityAttributes* attributes, int manualReset, int initialState, string name);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int SetEvent(nint handle);

    [LibraryImport(Kernel32, EntryPoint = "OpenEventW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial nint OpenEventW(uint desiredAccess, int inheritHandle, string name);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial uint WaitForSingleObject(nint handle, uint milliseconds);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial uint WaitForMultipleObjects(uint count, nint* handles, int waitAll, uint milliseconds);

    /// <summary>CreateEventW with a null-terminated name the caller formatted (no string allocated on a writer's path).</summary>
    [LibraryImport(Kernel32, EntryPoint = "CreateEventW", SetLastError = true)]
    public static partial nint CreateEventW(SecurityAttributes* attributes, int manualReset, int initialState, char* name);

    [LibraryImport(Kernel32, EntryPoint = "OpenEventW", SetLastError = true)]
    public static partial nint OpenEventW(uint desiredAccess, int inheritHandle, char* name);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial nint OpenProcess(uint desiredAccess, int inheritHandle, uint processId);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int GetProcessTimes(nint process, long* creation, long* exit, long* kernel, long* user);

    [LibraryImport(Kernel32, SetLastError = true)]
    public static partial int GetExitCodeProcess(nint process, uint* exitCode);

    [LibraryImport(Kernel32)]
    public static partial nint GetCurrentProcess();

    [LibraryImport(Kernel32)]
    public static partial nint LocalFree(void* memory);

    [LibraryImport(Advapi32, SetLastError = true)]
    public static partial int OpenProcessToken(nint process, uint desiredAccess, nint* token);

    [LibraryImport(Advapi32, SetLastError = true)]
    public static partial int GetTokenInformation(nint token, int informationClass, void* information, uint length, uint* returnLength);

    [LibraryImport(Advapi32, SetLastError = true)]
    public static partial int ConvertSidToStringSidW(void* sid, char** stringSid);

    [LibraryImport(Advapi32, SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial int ConvertStringSecurityDescriptorToSecurityDescriptorW(string descriptor, uint revision, void** securityDescriptor, uint* size);

    /// <summary>Returns a Win32 error code (it does not set the last error).</summary>
    [LibraryImport(Advapi32)]
    public static partial uint GetSecurityInfo(nint handle, int objectType, uint securityInfo, void** owner, void** group, void** dacl, void** sacl, void** securityDescriptor);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int error) => $"{Marshal.GetPInvokeErrorMessage(error)} (Win32 error {error})";
}
