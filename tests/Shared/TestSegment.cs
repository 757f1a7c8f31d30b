using System;
using System.Collections.Generic;
using System.IO;

namespace SharedStruct.Tests;

/// <summary>A unique segment name for one test, deleted (with any file-backed file) when disposed.</summary>
/// <remarks>
/// Every path handed out is also deleted again when the test process exits: a child process that was still starting
/// when its test ended (the test failed early, or the machine was slow) can create the segment anew after the test's
/// own Dispose removed it, and nothing may be left in /dev/shm even then.
/// </remarks>
internal sealed class TestSegment : IDisposable
{
    private static readonly List<string> s_paths = new();

    static TestSegment() => AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
    {
        lock (s_paths)
        {
            foreach (string path in s_paths)
            {
                try
                {
                    Remove(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The test that owned it reported (or failed on) this already; exiting must not throw.
                }
            }
        }
    };

    public TestSegment(string? directory = null)
    {
        Name = "sst-test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        Options = new SharedSegmentOptions { Directory = directory };
        lock (s_paths)
            s_paths.Add(Path);
    }

    public string Name { get; }
    public SharedSegmentOptions Options { get; }
    public string Path => SharedSegment.Locate(Name, Options);

    public void Dispose() => Remove(Path);

    private static void Remove(string path)
    {
        // The file may be foreign, a link or truncated; remove whatever the test put there.
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            File.Delete(path);
    }
}
