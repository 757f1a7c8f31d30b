using System;
using System.IO;

namespace SharedStruct.Tests;

/// <summary>A unique segment name for one test, deleted (with any file-backed file) when disposed.</summary>
internal sealed class TestSegment : IDisposable
{
    public TestSegment(string? directory = null)
    {
        Name = "sst-test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        Options = new SharedSegmentOptions { Directory = directory };
    }

    public string Name { get; }
    public SharedSegmentOptions Options { get; }
    public string Path => SharedSegment.Locate(Name, Options);

    public void Dispose()
    {
        // The file may be foreign, a link or truncated; remove whatever the test put there.
        if (File.Exists(Path) || new FileInfo(Path).LinkTarget is not null)
            File.Delete(Path);
    }
}
