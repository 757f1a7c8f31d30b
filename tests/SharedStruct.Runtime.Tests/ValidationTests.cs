using System;
using System.IO;
using SharedStruct.Locking;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

public class ValidationTests
{
    private struct Small { public long A; }

    private unsafe struct Large { public long A; public fixed byte Rest[56]; }

    private static readonly SharedSegmentOptions QuickOpen = new() { OpenTimeout = TimeSpan.FromMilliseconds(200) };

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Demo.counter", "upper-case letter 'D'")]
    [InlineData("demo/counter", "path separator '/'")]
    [InlineData("demo\\counter", "path separator '\\'")]
    [InlineData("demo..counter", "\"..\"")]
    [InlineData("..", "starts with '.'")]
    [InlineData(".hidden", "starts with '.'")]
    [InlineData("-flag", "starts with '-'")]
    [InlineData("demo counter", "character ' '")]
    [InlineData("démo", "U+00E9")]
    [InlineData("Global\\x", "upper-case letter 'G'")]
    public void Invalid_names_are_refused_with_the_rule_and_nothing_is_created(string name, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => SharedSegment<Small>.Open(name));
        Assert.Contains(problem, error.Message);
        Assert.Contains("lower-case ASCII letters, digits", error.Message);
        Assert.Equal("name", error.ParamName);
        Assert.False(File.Exists("/dev/shm/sharedstruct." + name));
    }

    [Fact]
    public void Names_longer_than_64_characters_are_refused_and_64_are_accepted()
    {
        var error = Assert.Throws<ArgumentException>(() => SharedSegment<Small>.Open(new string('a', 65)));
        Assert.Contains("65 characters long, more than 64", error.Message);

        string longest = "sst-test-" + Guid.NewGuid().ToString("N") + new string('x', 64 - 9 - 32);
        Assert.Equal(64, longest.Length);
        try
        {
            using var seg = SharedSegment<Small>.Open(longest);
            Assert.True(seg.IsCreator);
        }
        finally
        {
            SharedSegment.Delete(longest);
        }
    }

    [Theory]
    [InlineData(0L, "at least one byte")]
    [InlineData(SharedSegment.MaxPayloadSize + 1, "at most 1073741824 bytes")]
    public void Empty_and_oversized_payloads_are_refused_before_anything_is_created(long size, string message)
    {
        using var t = new TestSegment();
        var layout = new SegmentLayout(1, "test");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SegmentCore.Open(t.Name, size, layout, null, null, null));
        Assert.Contains(message, error.Message);
        Assert.False(File.Exists(t.Path));
    }

    [Fact]
    public void Create_new_fails_when_the_segment_exists_and_open_existing_fails_when_it_does_not()
    {
        using var t = new TestSegment();
        var missing = Assert.Throws<FileNotFoundException>(() => SharedSegment<Small>.Open(t.Name, new SharedSegmentOptions { Mode = SegmentOpenMode.OpenExisting }));
        Assert.Contains("There is no segment", missing.Message);
        Assert.False(File.Exists(t.Path));

        using var first = SharedSegment<Small>.Open(t.Name, new SharedSegmentOptions { Mode = SegmentOpenMode.CreateNew });
        Assert.True(first.IsCreator);
        var exists = Assert.Throws<IOException>(() => SharedSegment<Small>.Open(t.Name, new SharedSegmentOptions { Mode = SegmentOpenMode.CreateNew }));
        Assert.Contains("already exists", exists.Message);
        using var second = SharedSegment<Small>.Open(t.Name, new SharedSegmentOptions { Mode = SegmentOpenMode.OpenExisting });
        Assert.False(second.IsCreator);
    }

    [Fact]
    public void A_segment_made_for_another_layout_is_refused_naming_both_fingerprints()
    {
        using var t = new TestSegment();
        var original = new SegmentLayout(0x1111, "sharedstruct-layout 1\nstruct A size=8");
        var changed = new SegmentLayout(0x2222, "sharedstruct-layout 1\nstruct A size=8 (renamed field)");
        using var seg = SharedSegment<Small>.Open(t.Name, layout: original);

        var error = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<Small>.Open(t.Name, layout: changed));
        Assert.Equal(0x2222UL, error.ExpectedFingerprint);
        Assert.Equal(0x1111UL, error.ActualFingerprint);
        Assert.Contains("0x0000000000001111", error.Message);
        Assert.Contains("0x0000000000002222", error.Message);
        // Same struct line, no fields: nothing to name, so the message says the fingerprints are what disagree.
        Assert.Contains("Both layout descriptions list the same fields at the same offsets", error.Message);
        Assert.Equal(original.Description, error.ActualDescription);
        Assert.Equal(changed.Description, error.ExpectedDescription);
    }

    [Fact]
    public void A_segment_made_with_another_payload_size_is_refused_naming_both_sizes()
    {
        using var t = new TestSegment();
        var layout = new SegmentLayout(0x3333, "same fingerprint, different size");
        using var seg = SharedSegment<Small>.Open(t.Name, layout: layout);

        var error = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<Large>.Open(t.Name, layout: layout));
        Assert.Equal(8, error.ActualSize);
        Assert.Equal(64, error.ExpectedSize);
        Assert.Contains("8-byte payload", error.Message);
        Assert.Contains("64-byte payload", error.Message);
    }

    [Fact]
    public void The_default_layout_differs_between_types_so_two_structs_cannot_share_a_name()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<Small>.Open(t.Name);
        Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<TestPayload>.Open(t.Name));
    }

    [Fact]
    public void A_foreign_file_of_random_bytes_is_refused_and_left_untouched()
    {
        using var t = new TestSegment();
        byte[] junk = new byte[40_000];
        new Random(7).NextBytes(junk);
        File.WriteAllBytes(t.Path, junk);
        File.SetUnixFileMode(t.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<InvalidDataException>(() => SharedSegment<Small>.Open(t.Name, QuickOpen));
        Assert.Contains("is not a SharedStruct segment", error.Message);
        Assert.Contains("left untouched", error.Message);
        Assert.Equal(junk, File.ReadAllBytes(t.Path));
    }

    [Fact]
    public void A_zero_length_file_is_refused_after_the_open_timeout_and_left_untouched()
    {
        using var t = new TestSegment();
        File.WriteAllBytes(t.Path, []);
        File.SetUnixFileMode(t.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<InvalidDataException>(() => SharedSegment<Small>.Open(t.Name, QuickOpen));
        Assert.Contains("zero-length", error.Message);
        Assert.True(File.Exists(t.Path));
        Assert.Equal(0, new FileInfo(t.Path).Length);
    }

    [Fact]
    public void A_file_of_zeros_is_refused_after_the_open_timeout()
    {
        using var t = new TestSegment();
        File.WriteAllBytes(t.Path, new byte[SharedSegment.HeaderSize + 4096]);
        File.SetUnixFileMode(t.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<InvalidDataException>(() => SharedSegment<Small>.Open(t.Name, QuickOpen));
        Assert.Contains("all zeros", error.Message);
    }

    [Theory]
    [InlineData(100)]                           // shorter than the header
    [InlineData(SharedSegment.HeaderSize + 16)] // header intact, payload cut
    public void A_truncated_segment_is_refused_and_left_as_it_is(int length)
    {
        using var t = new TestSegment();
        using (SharedSegment<Large>.Open(t.Name)) { }
        using (var f = new FileStream(t.Path, FileMode.Open))
            f.SetLength(length);

        var error = Assert.Throws<InvalidDataException>(() => SharedSegment<Large>.Open(t.Name, QuickOpen));
        Assert.Contains("truncated", error.Message);
        Assert.Equal(length, new FileInfo(t.Path).Length);
    }

    [Theory]
    [InlineData(20)]   // fingerprint
    [InlineData(300)]  // layout description
    public void A_segment_whose_header_was_corrupted_is_refused(int offset)
    {
        using var t = new TestSegment();
        using (SharedSegment<Small>.Open(t.Name)) { }
        byte[] bytes = File.ReadAllBytes(t.Path);
        bytes[offset] ^= 0x5A;
        File.WriteAllBytes(t.Path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => SharedSegment<Small>.Open(t.Name, QuickOpen));
        Assert.Contains("corrupted header", error.Message);
    }

    [Fact]
    public void A_creator_whose_initializer_throws_leaves_no_segment_behind()
    {
        using var t = new TestSegment();
        var error = Assert.Throws<InvalidOperationException>(() =>
            SharedSegment<Small>.Open(t.Name, initializer: (ref Small s) => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", error.Message);
        Assert.False(File.Exists(t.Path));

        using var seg = SharedSegment<Small>.Open(t.Name, initializer: (ref Small s) => s.A = 5);
        Assert.True(seg.IsCreator);
        using var g = seg.Lock(TimeSpan.FromSeconds(1));
        Assert.Equal(5, g.Value.A);
    }

    [Fact]
    public void The_payload_is_64_byte_aligned_and_the_layout_description_is_stored()
    {
        using var t = new TestSegment();
        var layout = new SegmentLayout(0xABC, "sharedstruct-layout 1\nstruct Small size=8\nfield A int64 offset=0 size=8");
        using var seg = SharedSegment<Small>.Open(t.Name, layout: layout);
        unsafe
        {
            fixed (Small* p = &seg.GetUnsynchronizedReference())
                Assert.Equal(0, (long)p % 64);
        }
        string text = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(t.Path));
        Assert.Contains(layout.Description, text);
        Assert.Equal(SharedSegment.HeaderSize + 4096, new FileInfo(t.Path).Length);
    }
}
