using System;
using System.IO;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

[Collection(ProcessCollection.Name)]
public class FileBackedTests
{
    [Fact]
    public void Data_written_and_flushed_survives_a_killed_writer_and_reopening()
    {
        using var dir = new TempDirectory();
        string path = dir.File("state.seg");
        using (var writer = ChildProcess.Start(["file-write", path, "31337"]))
        {
            Assert.Equal("flushed", writer.ReadLine());
            writer.KillHard();
        }

        Assert.Equal(SharedSegment.HeaderSize + 4096, new FileInfo(path).Length); // grown to the segment size
        using var seg = SharedSegment<TestPayload>.Open("file-backed", new SharedSegmentOptions { FilePath = path, Mode = SegmentOpenMode.OpenExisting });
        Assert.True(seg.IsFileBacked);
        Assert.False(seg.IsCreator);
        using var g = seg.Lock(TimeSpan.FromSeconds(1));
        Assert.Equal(31337, g.Value.Value);
        Assert.Equal(1, g.Value.Writes);
    }

    [Fact]
    public void An_existing_zero_length_or_too_short_file_is_refused_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        string empty = dir.File("empty.seg");
        File.WriteAllBytes(empty, []);
        var options = new SharedSegmentOptions { FilePath = empty, OpenTimeout = TimeSpan.FromMilliseconds(100) };
        var error = Assert.Throws<InvalidDataException>(() => SharedSegment<TestPayload>.Open("file-backed", options));
        Assert.Contains($"Segment file '{empty}' is an empty (zero-length) file", error.Message);

        string shortFile = dir.File("short.seg");
        File.WriteAllBytes(shortFile, [1, 2, 3]);
        error = Assert.Throws<InvalidDataException>(() => SharedSegment<TestPayload>.Open("file-backed", new SharedSegmentOptions { FilePath = shortFile }));
        Assert.Contains("is not a SharedStruct segment", error.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(shortFile));
    }

    [Fact]
    public void Delete_removes_the_file_of_a_file_backed_segment()
    {
        using var dir = new TempDirectory();
        string path = dir.File("gone.seg");
        using var seg = SharedSegment<TestPayload>.Open("file-backed", new SharedSegmentOptions { FilePath = path });
        Assert.True(File.Exists(path));
        Assert.True(seg.Delete());
        Assert.False(File.Exists(path));
        Assert.False(seg.Delete());
    }
}
