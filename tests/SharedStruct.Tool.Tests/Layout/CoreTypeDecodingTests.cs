using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharedStruct.Format;
using SharedStruct.Tool.Layout;
using Xunit;

namespace SharedStruct.Tool.Tests.Layout;

/// <summary>
/// The core-library types the generator describes by name (<c>datetime</c>, <c>guid</c>, <c>vector3</c>, ...) are shown
/// as what they are, decoded from the bytes of a real struct holding them, at the offsets the generator writes.
/// </summary>
public class CoreTypeDecodingTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Values
    {
        public DateTime When;
        public DateTime Local;
        public TimeSpan Elapsed;
        public DateOnly Day;
        public TimeOnly At;
        public Guid Id;
        public Half Ratio;
        public Int128 Big;
        public UInt128 Huge;
        public Complex Z;
        public Vector2 V2;
        public Vector3 V3;
        public Vector4 V4;
        public Quaternion Q;
        public Matrix4x4 M;
        public int? Count;
    }

    private static readonly (string Name, string Type)[] Fields =
    [
        ("When", "datetime"), ("Local", "datetime"), ("Elapsed", "timespan"), ("Day", "dateonly"), ("At", "timeonly"),
        ("Id", "guid"), ("Ratio", "float16"), ("Big", "int128"), ("Huge", "uint128"), ("Z", "complex"), ("V2", "vector2"),
        ("V3", "vector3"), ("V4", "vector4"), ("Q", "quaternion"), ("M", "matrix4x4"),
    ];

    /// <summary>A description as the generator writes it, offsets taken from the runtime's own layout of <see cref="Values"/>.</summary>
    private static string Description()
    {
        var lines = new List<string> { "sharedstruct-layout 1", $"struct Test.Values size={Unsafe.SizeOf<Values>()} kind=Sequential pack=0" };
        foreach ((string name, string type) in Fields)
        {
            int offset = (int)Marshal.OffsetOf<Values>(name);
            lines.Add($"field {name} {type} offset={offset} size={LayoutTypes.FromName(type)!.Size}");
        }
        int count = (int)Marshal.OffsetOf<Values>(nameof(Values.Count));
        lines.Add($"field Count.HasValue bool offset={count} size=1");
        lines.Add($"field Count.Value int32 offset={count + 4} size=4");
        return string.Join("\n", lines);
    }

    [Fact]
    public void Each_core_type_is_shown_as_a_value_of_its_type()
    {
        var v = new Values
        {
            When = new DateTime(2024, 5, 17, 13, 45, 30, 123, DateTimeKind.Utc),
            Local = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Local),
            Elapsed = new TimeSpan(1, 1, 1, 1, 1),
            Day = new DateOnly(2024, 2, 29),
            At = new TimeOnly(23, 59, 58, 999),
            Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Ratio = (Half)0.5f,
            Big = Int128.MinValue,
            Huge = UInt128.MaxValue,
            Z = new Complex(1.5, -2),
            V2 = new Vector2(1, 2),
            V3 = new Vector3(3, 4.5f, 5),
            V4 = new Vector4(6, 7, 8, 9),
            Q = new Quaternion(0.5f, 0.25f, 0.125f, 1),
            M = Matrix4x4.CreateTranslation(10, 20, 30),
            Count = 7,
        };
        Assert.True(LayoutParser.TryParse(Description(), out LayoutDescription? layout, out string error), error);
        Assert.DoesNotContain(layout!.Fields, f => f.Element == LayoutTypeKind.Unknown);
        byte[] bytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref v, 1)).ToArray();
        Dictionary<string, string> shown = PayloadDecoder.Decode(layout, bytes).ToDictionary(f => f.Name, f => f.Value);

        Assert.Equal("2024-05-17T13:45:30.1230000Z", shown["When"]);
        Assert.Equal("2001-02-03T04:05:06.0000000 (local)", shown["Local"]);
        Assert.Equal("1.01:01:01.0010000", shown["Elapsed"]);
        Assert.Equal("2024-02-29", shown["Day"]);
        Assert.Equal("23:59:58.9990000", shown["At"]);
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", shown["Id"]);
        Assert.Equal("0.5", shown["Ratio"]);
        Assert.Equal("-170141183460469231731687303715884105728", shown["Big"]);
        Assert.Equal("340282366920938463463374607431768211455", shown["Huge"]);
        Assert.Equal("<1.5; -2>", shown["Z"]);
        Assert.Equal("<1, 2>", shown["V2"]);
        Assert.Equal("<3, 4.5, 5>", shown["V3"]);
        Assert.Equal("<6, 7, 8, 9>", shown["V4"]);
        Assert.Equal("{X:0.5 Y:0.25 Z:0.125 W:1}", shown["Q"]);
        Assert.Equal("[[1 0 0 0] [0 1 0 0] [0 0 1 0] [10 20 30 1]]", shown["M"]);
        Assert.Equal("true", shown["Count.HasValue"]);
        Assert.Equal("7", shown["Count.Value"]);
    }

    [Fact]
    public void Bytes_that_are_no_value_of_the_type_show_as_hex_with_the_reason()
    {
        byte[] bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes, long.MaxValue >> 1);   // all 62 tick bits set: beyond DateTime.MaxValue
        BitConverter.TryWriteBytes(bytes.AsSpan(8), -1);         // a negative day number
        Assert.True(LayoutParser.TryParse("sharedstruct-layout 1\nstruct T size=16 kind=Sequential pack=0\nfield When datetime offset=0 size=8\nfield Day dateonly offset=8 size=4",
            out LayoutDescription? layout, out string error), error);
        Dictionary<string, string> shown = PayloadDecoder.Decode(layout!, bytes).ToDictionary(f => f.Name, f => f.Value);
        Assert.EndsWith("(not a valid datetime)", shown["When"], StringComparison.Ordinal);
        Assert.Equal("ffffffff (not a valid dateonly)", shown["Day"]);
    }

    [Fact]
    public void Every_name_of_the_shared_type_table_is_decoded()
    {
        // The tool decodes what the generator can describe: the same linked table, and no name falls through to hex.
        foreach (LayoutType type in LayoutTypes.All)
        {
            var field = new LayoutField("F", type.Name, type.Kind, null, 0, type.Size);
            string value = PayloadDecoder.DecodeField(field, new byte[type.Size]);
            Assert.DoesNotContain("not known", value, StringComparison.Ordinal);
            Assert.False(value == new string('0', type.Size * 2), $"{type.Name} shows as raw hex: {value}");
        }
    }
}
