using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using SharedStruct.Tool.Layout;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Layout;

public class PayloadDecoderTests
{
    private static LayoutDescription Parse(string text)
    {
        Assert.True(LayoutParser.TryParse(text, out LayoutDescription? layout, out string error), error);
        return layout!;
    }

    private static Dictionary<string, string> DecodeProbe(Probe probe)
    {
        byte[] bytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref probe, 1)).ToArray();
        return PayloadDecoder.Decode(Parse(Probe.Description), bytes).ToDictionary(f => f.Name, f => f.Value);
    }

    [Fact]
    public void Decodes_every_field_of_a_real_struct_from_its_bytes()
    {
        Probe p = default;
        Probe.Fill(ref p);

        Dictionary<string, string> v = DecodeProbe(p);

        Assert.Equal("1234567890123", v["Hits"]);
        Assert.Equal("-7", v["Flags"]);
        Assert.Equal("\"hello, world\"", v["Note"]);
        Assert.Equal("1.5", v["Pos.X"]);
        Assert.Equal("-0.25", v["Pos.Y"]);
        Assert.Equal("true", v["On"]);
        Assert.Equal("0abcff", v["Raw"]);
        Assert.Equal("12.34", v["Money"]);
        Assert.Equal("[1, -2, 300]", v["Samples"]);
        Assert.Equal("0.1", v["Ratio"]);
    }

    [Fact]
    public void A_char_buffer_stops_at_the_first_nul_escapes_controls_and_quotes_and_may_fill_the_buffer()
    {
        Probe p = default;
        Probe.SetNote(ref p, "a\"b\tc\0ignored");
        Assert.Equal("\"a\\\"b\\tc\"", DecodeProbe(p)["Note"]);

        Probe.SetNote(ref p, "0123456789abcdef");
        Assert.Equal("\"0123456789abcdef\"", DecodeProbe(p)["Note"]);

        Probe.SetNote(ref p, "");
        Assert.Equal("\"\"", DecodeProbe(p)["Note"]);
    }

    [Theory]
    [InlineData("int8", new byte[] { 0xff }, "-1")]
    [InlineData("uint8", new byte[] { 0xff }, "255")]
    [InlineData("int16", new byte[] { 0x00, 0x80 }, "-32768")]
    [InlineData("uint16", new byte[] { 0xff, 0xff }, "65535")]
    [InlineData("int32", new byte[] { 0xff, 0xff, 0xff, 0x7f }, "2147483647")]
    [InlineData("uint32", new byte[] { 0xff, 0xff, 0xff, 0xff }, "4294967295")]
    [InlineData("int64", new byte[] { 0, 0, 0, 0, 0, 0, 0, 0x80 }, "-9223372036854775808")]
    [InlineData("uint64", new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, "18446744073709551615")]
    [InlineData("float32", new byte[] { 0, 0, 0xc0, 0x7f }, "NaN")]
    [InlineData("float64", new byte[] { 0, 0, 0, 0, 0, 0, 0xf0, 0x3f }, "1")]
    [InlineData("char", new byte[] { 0x41, 0 }, "'A'")]
    [InlineData("char", new byte[] { 0, 0 }, "'\\0'")]
    [InlineData("char", new byte[] { 0x27, 0 }, "'\\''")]
    [InlineData("bool", new byte[] { 0 }, "false")]
    [InlineData("bool", new byte[] { 1 }, "true")]
    [InlineData("bool", new byte[] { 7 }, "true (0x07)")]
    [InlineData("int32[2]", new byte[] { 1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff }, "[1, -2]")]
    [InlineData("bool[3]", new byte[] { 1, 0, 1 }, "[true, false, true]")]
    [InlineData("int8[2]", new byte[] { 0xff, 2 }, "[-1, 2]")]
    [InlineData("uint8[4]", new byte[] { 0xde, 0xad, 0xbe, 0xef }, "deadbeef")]
    public void Decodes_each_primitive_and_array(string type, byte[] bytes, string expected)
    {
        LayoutDescription layout = Parse($"sharedstruct-layout 1\nstruct P size={bytes.Length}\nfield V {type} offset=0 size={bytes.Length}");
        Assert.Equal(expected, PayloadDecoder.Decode(layout, bytes).Single().Value);
    }

    [Fact]
    public void A_decimal_round_trips_and_bytes_that_are_no_decimal_show_as_hex()
    {
        LayoutDescription layout = Parse("sharedstruct-layout 1\nstruct P size=16\nfield M decimal offset=0 size=16");
        foreach (decimal d in new[] { 0m, -1.5m, decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m, 79228162514264.337593543950335m })
        {
            byte[] bytes = new byte[16];
            MemoryMarshal.Write(bytes, in d);
            Assert.Equal(d.ToString(System.Globalization.CultureInfo.InvariantCulture), PayloadDecoder.Decode(layout, bytes).Single().Value);
        }

        byte[] bad = new byte[16];
        bad[2] = 29; // scale 29 is more than a decimal allows
        Assert.EndsWith("(not a valid decimal)", PayloadDecoder.Decode(layout, bad).Single().Value);
    }

    [Fact]
    public void Fields_outside_the_payload_of_the_wrong_size_or_of_unknown_type_say_so_instead_of_guessing()
    {
        LayoutDescription layout = Parse("sharedstruct-layout 1\nstruct P size=8\n" +
                                         "field Out int64 offset=4 size=8\nfield Odd int32 offset=0 size=2\nfield Ptr nint offset=0 size=8");
        byte[] payload = { 1, 2, 3, 4, 5, 6, 7, 8 };

        IReadOnlyList<DecodedField> fields = PayloadDecoder.Decode(layout, payload);

        Assert.Equal("(outside the 8-byte payload)", fields[0].Value);
        Assert.Equal("0102 (size 2 does not match int32, 4 bytes)", fields[1].Value);
        Assert.Equal("0102030405060708 (type not known to this tool)", fields[2].Value);
    }

    [Fact]
    public void Long_arrays_and_byte_buffers_are_cut_with_a_count_of_the_rest()
    {
        LayoutDescription layout = Parse("sharedstruct-layout 1\nstruct P size=700\nfield Ints int32[100] offset=0 size=400\nfield Raw uint8[300] offset=400 size=300");
        byte[] payload = new byte[700];

        IReadOnlyList<DecodedField> fields = PayloadDecoder.Decode(layout, payload);

        Assert.EndsWith(", 0, … 36 more]", fields[0].Value);
        Assert.Equal(PayloadDecoder.MaxElementsShown, fields[0].Value.Split(',').Length - 1);
        Assert.EndsWith("… (44 more bytes)", fields[1].Value);
    }

    [Fact]
    public void Hex_rows_show_offset_hex_and_ascii_and_stop_at_the_limit()
    {
        byte[] payload = Enumerable.Range(0, 40).Select(i => (byte)(i + 0x30)).ToArray();

        IReadOnlyList<DecodedField> rows = PayloadDecoder.HexRows(payload, maxBytes: 32);

        Assert.Equal(2, rows.Count);
        Assert.Equal("+0x0000", rows[0].Name);
        Assert.Equal("30 31 32 33 34 35 36 37  38 39 3a 3b 3c 3d 3e 3f  0123456789:;<=>?", rows[0].Value);
        Assert.Equal("+0x0010", rows[1].Name);
        Assert.Equal(16, rows[1].Size);
    }
}
