using System;
using System.Globalization;
using System.Numerics;
using SharedStruct;

namespace SharedStruct.EndToEnd;

/// <summary>
/// One field of each core-library value type the generator lays out from its table, each behind a byte that
/// misaligns whatever follows unless the layout engine aligns it as the runtime does.
/// </summary>
[SharedSegment("e2e.core-values", LockTimeoutMilliseconds = 10000)]
public partial struct CoreValues
{
    public byte Tag;
    public DateTime When;
    public byte Tag2;
    public TimeSpan Elapsed;
    public DateOnly Day;
    public TimeOnly At;
    public Guid Id;
    public Half Ratio;
    public Int128 Big;
    public byte Tag3;
    public UInt128 Huge;
    public Complex Z;
    public Vector2 V2;
    public Vector3 V3;
    public Vector4 V4;
    public Quaternion Q;
    public Matrix4x4 M;
    public int? MaybeCount;
    public DateTime? MaybeWhen;
    public Guid? MaybeId;
}

/// <summary>The <c>core-set</c> and <c>core-get</c> commands: every value written through, and read back through, the generated properties.</summary>
public static class CoreValueCommands
{
    public static int Run(string[] args, SharedSegmentOptions options)
    {
        using CoreValuesSegment segment = CoreValues.Open(options);
        if (args[0] == "core-set")
        {
            segment.Tag = 1;
            segment.When = new DateTime(2024, 5, 17, 13, 45, 30, 123, DateTimeKind.Utc);
            segment.Tag2 = 2;
            segment.Elapsed = new TimeSpan(1, 1, 1, 1, 1);
            segment.Day = new DateOnly(2024, 2, 29);
            segment.At = new TimeOnly(23, 59, 58, 999);
            segment.Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
            segment.Ratio = (Half)0.5f;
            segment.Big = Int128.MaxValue - 5;
            segment.Tag3 = 3;
            segment.Huge = UInt128.MaxValue;
            segment.Z = new Complex(1.5, -2);
            segment.V2 = new Vector2(1, 2);
            segment.V3 = new Vector3(3, 4, 5);
            segment.V4 = new Vector4(6, 7, 8, 9);
            segment.Q = new Quaternion(0.5f, 0.25f, 0.125f, 1);
            segment.M = Matrix4x4.CreateTranslation(10, 20, 30);
            segment.MaybeCount = 7;
            segment.MaybeWhen = null;
            segment.MaybeId = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
            Console.WriteLine(segment.IsCreator ? "created" : "opened");
            return 0;
        }
        CultureInfo inv = CultureInfo.InvariantCulture;
        CoreValues all = segment.ReadSnapshot();
        Console.WriteLine(string.Join("|",
            segment.Tag.ToString(inv),
            segment.When.ToString("o", inv) + "/" + segment.When.Kind,
            segment.Tag2.ToString(inv),
            segment.Elapsed.ToString("c", inv),
            segment.Day.ToString("yyyy-MM-dd", inv),
            segment.At.ToString("HH:mm:ss.fff", inv),
            segment.Id.ToString("D"),
            ((float)segment.Ratio).ToString(inv),
            segment.Big.ToString(inv),
            segment.Tag3.ToString(inv),
            segment.Huge.ToString(inv),
            segment.Z.Real.ToString(inv) + "," + segment.Z.Imaginary.ToString(inv),
            segment.V2.ToString("G", inv),
            segment.V3.ToString("G", inv),
            segment.V4.ToString("G", inv),
            segment.Q.W.ToString(inv) + "," + segment.Q.Z.ToString(inv),
            segment.M.Translation.ToString("G", inv),
            segment.MaybeCount?.ToString(inv) ?? "null",
            segment.MaybeWhen?.ToString("o", inv) ?? "null",
            segment.MaybeId?.ToString("D") ?? "null",
            all.Equals(segment.ReadSnapshot()) ? "same" : "different"));
        return 0;
    }
}
