using System;
using System.Linq;
using SharedStruct.Format;
using SharedStruct.Tool.Layout;
using SharedStruct.Tool.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Tool.Tests.Layout;

public class LayoutParserTests
{
    [Fact]
    public void Parses_the_contract_example()
    {
        const string text = "sharedstruct-layout 1\nstruct Demo.Counter size=216 kind=Sequential pack=0\n" +
                            "field Hits int64 offset=0 size=8\nfield Flags int32 offset=8 size=4\nfield Note char[100] offset=12 size=200";

        Assert.True(LayoutParser.TryParse(text, out LayoutDescription? layout, out string error), error);

        Assert.Equal("Demo.Counter", layout!.StructName);
        Assert.Equal(216, layout.Size);
        Assert.Equal("Sequential", layout.Kind);
        Assert.Equal(0, layout.Pack);
        Assert.True(layout.HasFieldList);
        Assert.Empty(layout.Warnings);
        Assert.Equal(
            new[]
            {
                new LayoutField("Hits", "int64", LayoutTypeKind.Int64, null, 0, 8),
                new LayoutField("Flags", "int32", LayoutTypeKind.Int32, null, 8, 4),
                new LayoutField("Note", "char[100]", LayoutTypeKind.Char, 100, 12, 200),
            },
            layout.Fields);
    }

    [Fact]
    public void Parses_every_primitive_name_nested_names_and_inline_array_elements()
    {
        string[] names = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "char", "bool", "decimal"];
        string text = "sharedstruct-layout 1\nstruct P size=1\n";
        for (int i = 0; i < names.Length; i++)
            text += $"field F{i} {names[i]} offset={i * 16} size=1\n";
        text += "field Pos.X float32 offset=300 size=4\nfield Items[1].Y int32 offset=304 size=4\n";

        Assert.True(LayoutParser.TryParse(text, out LayoutDescription? layout, out string error), error);

        Assert.DoesNotContain(layout!.Fields, f => f.Element == LayoutTypeKind.Unknown);
        Assert.Equal(names.Length + 2, layout.Fields.Count);
        Assert.Equal("Pos.X", layout.Fields[^2].Name);
        Assert.Equal("Items[1].Y", layout.Fields[^1].Name);
    }

    [Fact]
    public void Accepts_crlf_blank_lines_a_generic_name_with_spaces_and_ignores_unknown_keys_with_a_warning()
    {
        const string text = "sharedstruct-layout 1\r\nstruct Demo.Pair<int, long> size=16 kind=Explicit pack=4 align=8\r\n\r\n" +
                            "field A int32 offset=0 size=4 note=x\r\nattr Something\r\n";

        Assert.True(LayoutParser.TryParse(text, out LayoutDescription? layout, out string error), error);

        Assert.Equal("Demo.Pair<int, long>", layout!.StructName);
        Assert.Equal(4, layout.Pack);
        Assert.Single(layout.Fields);
        Assert.Equal(3, layout.Warnings.Count);
    }

    [Fact]
    public void An_unknown_type_parses_as_unknown_so_the_decoder_can_show_hex()
    {
        Assert.True(LayoutParser.TryParse("sharedstruct-layout 1\nstruct P size=8\nfield H nint offset=0 size=8", out LayoutDescription? layout, out _));
        Assert.Equal(LayoutTypeKind.Unknown, layout!.Fields[0].Element);
    }

    [Fact]
    public void Reads_the_runtime_default_description_as_a_type_without_fields()
    {
        Assert.True(LayoutParser.TryParse("SharedStruct.Scenarios.TestPayload size=96", out LayoutDescription? layout, out string error), error);
        Assert.Equal("SharedStruct.Scenarios.TestPayload", layout!.StructName);
        Assert.Equal(96, layout.Size);
        Assert.False(layout.HasFieldList);
        Assert.Empty(layout.Fields);
    }

    [Theory]
    [InlineData(null, "no layout description")]
    [InlineData("", "no layout description")]
    [InlineData("hello world, not a layout", "not a layout description")]
    [InlineData("sharedstruct-layout 2\nstruct P size=4", "version 2")]
    [InlineData("sharedstruct-layout one", "line 1")]
    [InlineData("sharedstruct-layout 1\nfield A int32 offset=0 size=4", "no struct line")]
    [InlineData("sharedstruct-layout 1\nstruct P size=4\nstruct Q size=4", "second struct")]
    [InlineData("sharedstruct-layout 1\nstruct size=4", "no name")]
    [InlineData("sharedstruct-layout 1\nstruct P size=big", "size=\"big\"")]
    [InlineData("sharedstruct-layout 1\nstruct P size=4\nfield A int32 size=4", "lacks offset=")]
    [InlineData("sharedstruct-layout 1\nstruct P size=4\nfield A int32 offset=0", "lacks size=")]
    [InlineData("sharedstruct-layout 1\nstruct P size=4\nfield A int32 offset=-1 size=4", "offset=\"-1\"")]
    [InlineData("sharedstruct-layout 1\nstruct P size=4\nfield A char[x] offset=0 size=4", "char[x]")]
    [InlineData("sharedstruct-layout 1\nstruct P size=4\nfield A int32 offset=0 size=4\nfield A int32 offset=4 size=4", "second field named A")]
    [InlineData("sharedstruct-layout 1\nstruct P size=4\nfield A offset=0 size=4", "expected \"field")]
    public void Rejects_malformed_descriptions_with_a_reason(string? text, string reason)
    {
        Assert.False(LayoutParser.TryParse(text, out LayoutDescription? layout, out string error));
        Assert.Null(layout);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public unsafe void The_hand_written_test_description_matches_the_real_struct_layout()
    {
        Assert.True(LayoutParser.TryParse(Probe.Description, out LayoutDescription? layout, out string error), error);
        Probe p = default;
        byte* b = (byte*)&p;
        long Off(void* field) => (byte*)field - b;

        Assert.Equal(sizeof(Probe), layout!.Size);
        Assert.Equal(
            new long[] { Off(&p.Hits), Off(&p.Flags), Off(p.Note), Off(&p.Pos.X), Off(&p.Pos.Y), Off(&p.On), Off(p.Raw), Off(&p.Money), Off(p.Samples), Off(&p.Ratio) },
            layout.Fields.Select(f => f.Offset).ToArray());
    }
}
