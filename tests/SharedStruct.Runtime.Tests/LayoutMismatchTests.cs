using System;
using System.Linq;
using SharedStruct.Format;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// What a layout mismatch says (the fields that differ, both descriptions), and what the fingerprint covers: the
/// bytes' meaning, not the struct's C# name, with segments made by builds that hashed the name still opened.
/// </summary>
public class LayoutMismatchTests
{
    private struct Small { public long A; }

    private const string Head = "sharedstruct-layout 1\n";

    private static SegmentLayout Layout(string description) => new(SegmentLayout.ComputeFingerprint(description), description);

    [Fact]
    public void A_mismatch_names_each_added_removed_moved_retyped_and_resized_field_and_carries_both_descriptions()
    {
        using var t = new TestSegment();
        var stored = Layout(Head + "struct S size=24 kind=Sequential pack=0\nfield A int32 offset=0 size=4\nfield B int16 offset=4 size=2\n" +
            "field C int16 offset=6 size=2\nfield Name char[4] offset=8 size=8\nfield Pos.X float32 offset=16 size=4");
        var ours = Layout(Head + "struct S size=32 kind=Sequential pack=0\nfield A float32 offset=0 size=4\nfield C int16 offset=4 size=2\n" +
            "field D uint8 offset=6 size=1\nfield Name char[8] offset=8 size=16\nfield Pos.X float64 offset=24 size=8");
        using var seg = SharedSegment<Small>.Open(t.Name, layout: stored);

        var error = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<Small>.Open(t.Name, layout: ours));
        Assert.Equal(
        [
            "the struct's size changed from 24 to 32 bytes",
            "'A' retyped from int32 (4 bytes) to float32 (4 bytes)",
            "'C' moved from offset 6 to 4",
            "'D' added (uint8 at offset 6)",
            "'Name' resized from char[4] (8 bytes) to char[8] (16 bytes)",
            "'Pos.X' retyped from float32 (4 bytes) to float64 (8 bytes) and moved from offset 16 to 24",
            "'B' removed (was int16 at offset 4)",
        ], error.Differences);
        Assert.Contains("What differs, from the segment's layout to this program's: the struct's size changed from 24 to 32 bytes; 'A' retyped", error.Message);
        Assert.Contains("'B' removed (was int16 at offset 4).", error.Message);
        Assert.Equal(stored.Description, error.ActualDescription);
        Assert.Equal(ours.Description, error.ExpectedDescription);
        Assert.Equal(stored.Fingerprint, error.ActualFingerprint);
        Assert.Equal(ours.Fingerprint, error.ExpectedFingerprint);
    }

    [Fact]
    public void A_long_list_of_differences_is_cut_in_the_message_but_kept_whole_in_the_exception()
    {
        using var t = new TestSegment();
        string Fields(string type, int size) => string.Concat(Enumerable.Range(0, 20).Select(i => $"\nfield F{i} {type} offset={i * size} size={size}"));
        var stored = Layout(Head + "struct S size=80 kind=Sequential pack=0" + Fields("int32", 4));
        var ours = Layout(Head + "struct S size=80 kind=Sequential pack=0" + Fields("float32", 4));
        using var seg = SharedSegment<Small>.Open(t.Name, layout: stored);

        var error = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<Small>.Open(t.Name, layout: ours));
        Assert.Equal(20, error.Differences.Count);
        Assert.Contains("'F11' retyped", error.Message);
        Assert.DoesNotContain("'F12' retyped", error.Message);
        Assert.Contains("and 8 more (see the exception's Differences)", error.Message);
    }

    [Fact]
    public void A_mismatch_of_layouts_that_are_not_field_lists_names_no_fields_and_shows_both()
    {
        // The twin of the first test: a default (type name and size) layout has no field list, so nothing is invented.
        using var t = new TestSegment();
        using var seg = SharedSegment<Small>.Open(t.Name, layout: Layout("Some.Type size=8"));

        var error = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<Small>.Open(t.Name, layout: Layout("Other.Type size=8")));
        Assert.Empty(error.Differences);
        Assert.Contains("Stored layout: Some.Type size=8; this program's: Other.Type size=8.", error.Message);
        Assert.Equal("Some.Type size=8", error.ActualDescription);
        Assert.Equal("Other.Type size=8", error.ExpectedDescription);
    }

    [Fact]
    public void A_description_too_long_for_the_header_is_not_stored_and_the_message_says_why_no_field_is_named()
    {
        using var t = new TestSegment();
        string many = string.Concat(Enumerable.Range(0, 400).Select(i => $"\nfield AVeryLongFieldNameNumber{i} uint8 offset={i} size=1"));
        using var seg = SharedSegment<Small>.Open(t.Name, layout: Layout(Head + "struct S size=400 kind=Sequential pack=0" + many));

        var error = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<Small>.Open(t.Name, layout: Layout(Head + "struct S size=8 kind=Sequential pack=0\nfield A int64 offset=0 size=8")));
        Assert.Null(error.ActualDescription);
        Assert.Empty(error.Differences);
        Assert.Contains("stores no layout description", error.Message);
    }

    [Fact]
    public void The_fingerprint_leaves_out_the_struct_name_and_namespace_but_not_field_names()
    {
        const string Fields = " size=16 kind=Sequential pack=0\nfield Status int32 offset=0 size=4\nfield Beats int64 offset=8 size=8";
        ulong service = SegmentLayout.ComputeFingerprint(Head + "struct Service.Health" + Fields);
        ulong sidecar = SegmentLayout.ComputeFingerprint(Head + "struct Sidecar.Monitoring.Health" + Fields);
        ulong renamedType = SegmentLayout.ComputeFingerprint(Head + "struct Outer.HealthState" + Fields);
        Assert.Equal(service, sidecar);
        Assert.Equal(service, renamedType);

        // The twins: what the bytes mean still counts, and so does the whole text of a non-canonical description.
        Assert.NotEqual(service, SegmentLayout.ComputeFingerprint(Head + "struct Service.Health" + Fields.Replace("Beats", "Ticks")));
        Assert.NotEqual(service, SegmentLayout.ComputeFingerprint(Head + "struct Service.Health" + Fields.Replace("int32", "uint32")));
        Assert.NotEqual(service, SegmentLayout.ComputeFingerprint(Head + "struct Service.Health" + Fields.Replace("offset=8", "offset=4")));
        Assert.NotEqual(service, SegmentLayout.ComputeFingerprint(Head + "struct Service.Health" + Fields.Replace("pack=0", "pack=4")));
        Assert.NotEqual(SegmentLayout.ComputeFingerprint("A.Health size=16"), SegmentLayout.ComputeFingerprint("B.Health size=16"));
    }

    [Fact]
    public void Annotation_lines_are_not_part_of_the_fingerprint()
    {
        const string Body = Head + "struct Demo.S size=4 kind=Sequential pack=0\nfield Mode int32 offset=0 size=4";
        Assert.Equal(SegmentLayout.ComputeFingerprint(Body), SegmentLayout.ComputeFingerprint(Body + "\nenum Mode Idle=0 Busy=1"));
    }

    [Fact]
    public void Structs_with_the_same_fields_under_other_names_share_a_segment()
    {
        using var t = new TestSegment();
        const string Fields = " size=8 kind=Sequential pack=0\nfield A int64 offset=0 size=8";
        using var service = SharedSegment<Small>.Open(t.Name, layout: Layout(Head + "struct Service.Health" + Fields));
        using (var guard = service.Lock())
            guard.Value.A = 42;

        using var sidecar = SharedSegment<Small>.Open(t.Name, layout: Layout(Head + "struct Sidecar.Health" + Fields));
        Assert.False(sidecar.IsCreator);
        Assert.Equal(42, sidecar.ReadSnapshot(TimeSpan.FromSeconds(10)).A);
    }

    [Fact]
    public void A_segment_made_with_the_earlier_whole_text_fingerprint_of_the_same_layout_is_opened()
    {
        using var t = new TestSegment();
        string earlier = Head + "struct Service.Health size=8 kind=Sequential pack=0\nfield A int64 offset=0 size=8";
        using var old = SharedSegment<Small>.Open(t.Name, layout: new SegmentLayout(LayoutFingerprint.ComputeWholeText(earlier), earlier));
        using (var guard = old.Lock())
            guard.Value.A = 7;

        using var current = SharedSegment<Small>.Open(t.Name, layout: Layout(Head + "struct Sidecar.Health size=8 kind=Sequential pack=0\nfield A int64 offset=0 size=8"));
        Assert.Equal(7, current.ReadSnapshot(TimeSpan.FromSeconds(10)).A);
    }

    [Fact]
    public void A_segment_with_the_earlier_fingerprint_of_another_layout_or_an_unrelated_fingerprint_is_still_refused()
    {
        // The twins of the test above: the earlier fingerprint is accepted only for the same fields, and only when it
        // really is the whole-text hash of what the segment stores.
        using var t = new TestSegment();
        string earlier = Head + "struct Service.Health size=8 kind=Sequential pack=0\nfield A int64 offset=0 size=8";
        using var old = SharedSegment<Small>.Open(t.Name, layout: new SegmentLayout(LayoutFingerprint.ComputeWholeText(earlier), earlier));
        var moved = Assert.Throws<SegmentLayoutMismatchException>(() =>
            SharedSegment<Small>.Open(t.Name, layout: Layout(Head + "struct Service.Health size=8 kind=Sequential pack=0\nfield B int64 offset=0 size=8")));
        Assert.Equal(["'B' added (int64 at offset 0)", "'A' removed (was int64 at offset 0)"], moved.Differences);

        using var u = new TestSegment();
        using var other = SharedSegment<Small>.Open(u.Name, layout: new SegmentLayout(0x1234, earlier));
        var unrelated = Assert.Throws<SegmentLayoutMismatchException>(() => SharedSegment<Small>.Open(u.Name, layout: Layout(earlier)));
        Assert.Contains("Both layout descriptions list the same fields at the same offsets", unrelated.Message);
    }
}
