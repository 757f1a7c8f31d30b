using System;
using System.IO;
using System.Runtime.InteropServices;
using Xunit;

namespace SharedStruct.Tests;

public partial class SecurityTests
{
    private struct Small { public long A; }

    [Fact]
    public void Segments_are_created_readable_and_writable_by_their_owner_alone()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<Small>.Open(t.Name);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(t.Path));
    }

    [Theory]
    [InlineData(SegmentSharing.Group, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite)]
    [InlineData(SegmentSharing.Everyone, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)]
    public void Wider_sharing_is_an_explicit_option(SegmentSharing sharing, UnixFileMode expected)
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<Small>.Open(t.Name, new SharedSegmentOptions { Sharing = sharing });
        Assert.Equal(expected, File.GetUnixFileMode(t.Path));
    }

    [Fact]
    public void A_symbolic_link_in_the_segments_place_is_refused_and_its_target_untouched()
    {
        using var t = new TestSegment();
        using var dir = new TempDirectory();
        string target = dir.File("victim");
        File.WriteAllText(target, "precious");
        File.CreateSymbolicLink(t.Path, target);

        var error = Assert.Throws<UnauthorizedAccessException>(() => SharedSegment<Small>.Open(t.Name));
        Assert.Contains("symbolic link", error.Message);
        Assert.Equal("precious", File.ReadAllText(target));
        Assert.Throws<UnauthorizedAccessException>(() => SharedSegment<Small>.Open(t.Name, new SharedSegmentOptions { Mode = SegmentOpenMode.OpenExisting }));
    }

    [Fact]
    public void A_segment_owned_by_another_user_is_refused_unless_sharing_is_widened()
    {
        if (GetEuid() != 0)
            Assert.Skip("Needs root to create a file owned by another user (uid 65534); this run is not root.");

        using var t = new TestSegment();
        using (SharedSegment<Small>.Open(t.Name)) { }
        Assert.Equal(0, Chown(t.Path, 65534, 65534));

        var error = Assert.Throws<UnauthorizedAccessException>(() => SharedSegment<Small>.Open(t.Name));
        Assert.Contains("belongs to user id 65534", error.Message);
        Assert.Contains("Sharing = Group or Everyone", error.Message);

        using var widened = SharedSegment<Small>.Open(t.Name, new SharedSegmentOptions { Sharing = SegmentSharing.Everyone });
        Assert.False(widened.IsCreator);
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
