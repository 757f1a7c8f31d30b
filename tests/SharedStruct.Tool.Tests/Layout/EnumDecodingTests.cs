using System;
using System.Linq;
using SharedStruct.Tests;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Layout;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Layout;

/// <summary>Enum values shown by name when the description carries the enum's members (its <c>enum</c> lines).</summary>
public class EnumDecodingTests
{
    private const string Fields =
        "sharedstruct-layout 1\n" +
        "struct Demo.Machine size=16 kind=Sequential pack=0\n" +
        "field State int16 offset=0 size=2\n" +
        "field Access uint8 offset=2 size=1\n" +
        "field Modes int8[4] offset=3 size=4\n" +
        "field Count int32 offset=8 size=4";

    private const string Enums =
        "\nenum State Idle=0 Busy=7 Broken=-1\n" +
        "enum Access flags None=0 Read=1 Write=2 All=3\n" +
        "enum Modes Off=0 On=1";

    private static string[] Decode(string description, byte[] payload)
    {
        Assert.True(LayoutParser.TryParse(description, out LayoutDescription? layout, out string error), error);
        return PayloadDecoder.Decode(layout!, payload).Select(f => f.Value).ToArray();
    }

    private static byte[] Payload(short state, byte access, sbyte[] modes, int count)
    {
        var bytes = new byte[16];
        BitConverter.GetBytes(state).CopyTo(bytes, 0);
        bytes[2] = access;
        for (int i = 0; i < 4; i++)
            bytes[3 + i] = (byte)modes[i];
        BitConverter.GetBytes(count).CopyTo(bytes, 8);
        return bytes;
    }

    [Fact]
    public void Values_are_shown_by_name_with_their_number()
    {
        Assert.Equal(["Busy (7)", "Read (1)", "[On (1), Off (0), 5 (no member of the enum), On (1)]", "12"],
            Decode(Fields + Enums, Payload(7, 1, [1, 0, 5, 1], 12)));
        Assert.Equal(["Broken (-1)", "All (3)", "[Off (0), Off (0), Off (0), Off (0)]", "0"],
            Decode(Fields + Enums, Payload(-1, 3, [0, 0, 0, 0], 0)));
    }

    [Fact]
    public void Flags_are_shown_as_the_members_they_combine_and_other_values_as_numbers_saying_so()
    {
        const string Flags = Fields + "\nenum State Idle=0\nenum Access flags Read=1 Write=4";
        Assert.Equal("Read | Write (5)", Decode(Flags, Payload(0, 5, [0, 0, 0, 0], 0))[1]);
        Assert.Equal("2 (not a combination of the enum's members)", Decode(Flags, Payload(0, 2, [0, 0, 0, 0], 0))[1]);
        Assert.Equal("3 (no member of the enum)", Decode(Flags, Payload(3, 0, [0, 0, 0, 0], 0))[0]);
    }

    [Fact]
    public void Without_enum_lines_the_same_fields_show_as_numbers()
    {
        // The twin: a description written before enum lines existed (or with an enum too large to list) still decodes.
        Assert.Equal(["7", "1", "[1, 0, 5, 1]", "12"], Decode(Fields, Payload(7, 1, [1, 0, 5, 1], 12)));
    }

    [Fact]
    public void A_bad_enum_line_is_an_error_and_one_for_no_field_is_a_warning()
    {
        Assert.False(LayoutParser.TryParse(Fields + "\nenum State Idle", out _, out string error));
        Assert.Contains("\"Idle\" of enum State is not <Name>=<integer>", error);
        Assert.True(LayoutParser.TryParse(Fields + "\nenum Gone A=1", out LayoutDescription? layout, out _));
        Assert.Contains("line 7: enum line for Gone, which is no field", layout!.Warnings);
    }

    [Fact]
    public void Inspect_shows_enum_names_from_the_description_a_segment_stores_and_no_note_about_them()
    {
        using var t = new TestSegment();
        string description = Fields + Enums;
        using SharedSegment<Machine> seg = SharedSegment<Machine>.Open(t.Name, null, new SegmentLayout(SegmentLayout.ComputeFingerprint(description), description));
        using (var g = seg.Lock(TimeSpan.FromSeconds(5)))
        {
            g.Value.State = 7;
            g.Value.Access = 3;
        }

        ToolResult r = ToolRun.Run("inspect", t.Name);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Equal(["State", "int16", "0", "2", "Busy (7)"], Columns.Row(r.Output, "State"));
        Assert.Equal(["Access", "uint8", "2", "1", "All (3)"], Columns.Row(r.Output, "Access"));
        Assert.DoesNotContain("Note:", r.Output);
    }

    private struct Machine
    {
        public short State;
        public byte Access;
        public int Modes;
        public int Count;
        public int Pad;
    }
}
