using System;

namespace SharedStruct.Platform;

/// <summary>The one place that picks the platform implementation.</summary>
internal static class Platforms
{
    private static IPlatform? s_current;

    public static IPlatform Current => s_current ??= Create();

    private static IPlatform Create()
    {
        if (OperatingSystem.IsLinux())
            return new Linux.LinuxPlatform();
        if (OperatingSystem.IsWindows())
            return new Windows.WindowsPlatform();
        if (OperatingSystem.IsMacOS())
            return new MacOS.MacPlatform();
        throw new PlatformNotSupportedException("SharedStruct supports Linux, Windows and macOS.");
    }
}
