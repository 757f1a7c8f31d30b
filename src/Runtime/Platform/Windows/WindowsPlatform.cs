using System;
using System.Collections.Generic;

namespace SharedStruct.Platform.Windows;

/// <summary>Windows: named page-file-backed mappings. Being written (see the Windows backend issue).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
internal sealed class WindowsPlatform : IPlatform
{
    public ProcessIdentity CurrentProcess => new(Environment.ProcessId, 0);

    public bool IsAlive(int pid, long startTime) => throw NotYet();

    public PlatformMapping Open(MappingRequest request, DateTime deadlineUtc) => throw NotYet();

    public bool Delete(string name, SharedSegmentOptions options) => throw NotYet();

    public string Locate(string name, SharedSegmentOptions options) => (options.Global ? "Global\\" : "Local\\") + "sharedstruct." + name;

    public IEnumerable<string> EnumerateNames(SharedSegmentOptions options) => throw NotYet();

    private static PlatformNotSupportedException NotYet() => new("The Windows backend is not implemented yet.");
}
