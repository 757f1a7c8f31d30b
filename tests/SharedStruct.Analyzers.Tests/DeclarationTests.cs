using SharedStruct.Analyzers.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Analyzers.Tests;

public class DeclarationTests
{
    private const string Usings = """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using SharedStruct;

        """;

    [Fact]
    public void SST0001_NotPartialStruct_FiresForEachWrongShape()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.a")]
            public struct {|SST0001:NotPartial|} { public int X; }

            [SharedSegment("demo.b")]
            public partial struct {|SST0001:Generic|}<T> where T : unmanaged { public T X; }

            [SharedSegment("demo.c")]
            public ref partial struct {|SST0001:RefLike|} { public int X; }

            [SharedSegment("demo.f")]
            file partial struct {|SST0001:FileLocal|} { public int X; }

            public partial class Outer<T>
            {
                [SharedSegment("demo.d")]
                public partial struct {|SST0001:InGeneric|} { public int X; }
            }

            public class Host
            {
                [SharedSegment("demo.e")]
                public partial struct {|SST0001:InNonPartial|} { public int X; }
            }
            """,
            ["NotPartial", "is not partial"],
            ["Generic", "is generic"],
            ["RefLike", "is a ref struct, which cannot live in shared memory"],
            ["FileLocal", "is a file-local type, which generated code in another file cannot extend"],
            ["InGeneric", "is nested in the generic type 'Outer<T>'"],
            ["InNonPartial", "is nested in 'Host', which is not partial"]);
    }

    [Fact]
    public void SST0001_NotPartialStruct_FiresForClassesEvenBesideTheCompilerError()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.a")]
            public partial class {|SST0001:Klass|} { public int X; }

            [SharedSegment("demo.b")]
            public partial record {|SST0001:Rec|}(int X);
            """,
            extraFiles: [], allowedCompilerErrors: ["CS0592"],
            ["Klass", "is a class"],
            ["Rec", "is a record class"]);
    }

    [Fact]
    public void SST0001_NotPartialStruct_LookAlikesDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.a")]
            public partial struct Fine { public int X; }

            public struct NotShared { public int X; }

            public partial class Outer
            {
                public partial class Middle
                {
                    [SharedSegment("demo.b")]
                    public readonly partial struct Nested { public readonly int X; }
                }
            }

            [SharedSegment("demo.c")]
            public partial record struct RecordStruct(int X, long Y);

            [SharedSegment("demo.d")]
            partial struct SecondPart { public int A; }
            partial struct SecondPart { public int B; }
            """);
    }

    [Fact]
    public void SST0002_NonBlittableField_SaysWhatToUseInstead()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.person")]
            public partial struct Person
            {
                public int Age;
                public string {|SST0002:Name|};
                public int[] {|SST0002:Scores|};
                public Point[] {|SST0002:Points|};
                public object {|SST0002:Tag|};
                public Holder {|SST0002:Holder|};
                public Action {|SST0002:Callback|};
                public IDisposable {|SST0002:Resource|};
                public string {|SST0002:Title|} { get; set; }
            }

            public struct Point { public int X, Y; }
            public struct Holder { public int Id; public Inner Inner; }
            public struct Inner { public string Text; }
            """,
            ["Name", "string", "a string is a reference into one process's heap; use a fixed char buffer (fixed char Name[N]) or an [InlineArray] struct of char"],
            ["Scores", "int[]", "an array is a reference into one process's heap; use a fixed buffer (fixed int Scores[N]) or an [InlineArray] struct of int"],
            ["Points", "Point[]", "an array is a reference into one process's heap; use an [InlineArray] struct of Point"],
            ["Tag", "object", "an object is a reference into one process's heap; store the data itself as unmanaged fields, or an index or ID every process can resolve"],
            ["Holder", "Holder", "'Holder' contains the reference field 'Inner.Text'; make every field of it unmanaged (no strings, arrays or classes)"],
            ["Callback", "Action", "a delegate is a reference into one process's heap; store the data itself as unmanaged fields, or an index or ID every process can resolve"],
            ["Resource", "IDisposable", "an interface is a reference into one process's heap; store the data itself as unmanaged fields, or an index or ID every process can resolve"],
            ["Title", "string", "a string is a reference into one process's heap; use a fixed char buffer (fixed char Title[N]) or an [InlineArray] struct of char"]);
    }

    [Fact]
    public void SST0002_NonBlittableField_LookAlikesDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.person")]
            public unsafe partial struct Person
            {
                public static string Shared = "";
                public const string Constant = "x";
                public fixed char Name[32];
                public Ints Scores;
                public long Id;
                public string Computed => "";
                public static string[] Cache = [];
            }

            [InlineArray(4)]
            public struct Ints { private int _element; }

            public struct NotShared { public string Text; }
            """);
    }

    [Fact]
    public void SST0003_PerProcessValue_FiresForAddressesAndHandles()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.handles")]
            public unsafe partial struct Handles
            {
                public nint {|SST0003:Handle|};
                public nuint {|SST0003:Size|};
                public int* {|SST0003:Pointer|};
                public delegate*<void> {|SST0003:Callback|};
                public Wrapper {|SST0003:Nested|};
                public long Offset;
            }

            public struct Wrapper { public int Id; public UIntPtr Address; }
            """,
            ["Handle", "nint"],
            ["Size", "nuint"],
            ["Pointer", "int*"],
            ["Callback", "delegate*<void>"],
            ["Nested.Address", "nuint"]);
    }

    [Fact]
    public void SST0003_PerProcessValue_LookAlikesDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.handles")]
            public unsafe partial struct Handles
            {
                public long Address;
                public ulong Offset;
                public Ids Nested;
                public static nint ProcessLocal;
                public fixed long Slots[4];
            }

            public struct Ids { public int Index; public uint Generation; }
            public struct NotShared { public nint Handle; }
            """);
    }

    [Fact]
    public void SST0004_RuntimeDependentLayout_FiresForAutoLayout()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.auto")]
            [{|SST0004:StructLayout(LayoutKind.Auto)|}]
            public partial struct AutoLayout { public int A; public long B; }

            [SharedSegment("demo.nested")]
            public partial struct Nested
            {
                public AutoInner {|SST0004:Inner|};
                public (int, long) {|SST0004:Pair|};
            }

            [StructLayout(LayoutKind.Auto)]
            public struct AutoInner { public byte X; public long Y; }
            """,
            ["AutoLayout", "it is declared with LayoutKind.Auto, so the runtime (and its version) chooses the field order; use LayoutKind.Sequential"],
            ["Inner", "its type 'AutoInner' is declared with LayoutKind.Auto, so the runtime may order its fields differently; use LayoutKind.Sequential"],
            ["Pair", "its type '(int, long)' is a ValueTuple, which has LayoutKind.Auto; declare a small sequential struct instead"]);
    }

    [Fact]
    public void SST0004_RuntimeDependentLayout_LookAlikesDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.packed")]
            [StructLayout(LayoutKind.Sequential, Pack = 1)]
            public partial struct Packed { public byte A; public long B; }

            [SharedSegment("demo.explicit")]
            [StructLayout(LayoutKind.Explicit, Size = 32)]
            public unsafe partial struct Explicit
            {
                [FieldOffset(0)] public long A;
                [FieldOffset(8)] public int B;
                [FieldOffset(12)] public fixed byte Rest[20];
            }

            [StructLayout(LayoutKind.Auto)]
            public partial struct NotShared { public int A; public long B; }
            """);
    }

    [Fact]
    public void SST0004_RuntimeDependentLayout_NamesTheAlternativeForDateTimeOffset()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.stamp")]
            public partial struct Stamp
            {
                public DateTimeOffset {|SST0004:At|};
                public Wrapped {|SST0004:Inner|};
            }

            public struct Wrapped { public int Id; public DateTimeOffset? Maybe; }
            """,
            ["At", DateTimeOffsetAdvice],
            ["Inner.Maybe.Value", DateTimeOffsetAdvice]);
    }

    private const string DateTimeOffsetAdvice =
        "its type 'DateTimeOffset' is declared with LayoutKind.Auto, so .NET may order its DateTime and offset differently from one version to the next; " +
        "store the instant and the offset apart: a long of UtcTicks and a short of Offset.TotalMinutes " +
        "(new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes)) rebuilds it), or a DateTime in UTC";

    [Fact]
    public void SST0015_UnknownFieldLayout_FiresForStructsOfOtherAssembliesOutsideTheTable()
    {
        // The tests compile against the running framework, whose types live in System.Private.CoreLib; a project
        // compiled against reference assemblies sees 'System.Runtime' there.
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.unknown")]
            public partial struct Unknown
            {
                public Index {|SST0015:Where|};
                public Holder {|SST0015:Nested|};
                public System.Numerics.Vector<float> {|SST0015:Wide|};
                public int Fine;
            }

            public struct Holder { public long Id; public Range Span; }
            """,
            ["Where", "Index", "'Index' is declared in 'System.Private.CoreLib', whose private fields reference assemblies hide, so its layout cannot be known at compile time; use a supported type (docs/generator.md lists them) or declare a struct with the same fields in this project"],
            ["Nested.Span", "Range", "'Range' is declared in 'System.Private.CoreLib', whose private fields reference assemblies hide, so its layout cannot be known at compile time; use a supported type (docs/generator.md lists them) or declare a struct with the same fields in this project"],
            ["Wide", "Vector<float>", "'Vector<float>' is declared in 'System.Private.CoreLib', whose private fields reference assemblies hide, so its layout cannot be known at compile time; use a supported type (docs/generator.md lists them) or declare a struct with the same fields in this project"]);
    }

    [Fact]
    public void SST0015_UnknownFieldLayout_CoreLibraryTypesOfTheTableDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.known")]
            public partial struct Known
            {
                public DateTime When; public TimeSpan Elapsed; public DateOnly Day; public TimeOnly At; public Guid Id;
                public Half Ratio; public Int128 Big; public UInt128 Huge; public System.Numerics.Complex Z;
                public System.Numerics.Vector2 V2; public System.Numerics.Vector3 V3; public System.Numerics.Vector4 V4;
                public System.Numerics.Quaternion Q; public System.Numerics.Matrix4x4 M;
                public int? MaybeCount; public Guid? MaybeId; public DayOfWeek Weekday; public Inner? MaybeInner;
            }

            public struct Inner { public long A; public TimeSpan B; }
            """);
    }

    [Fact]
    public void SST0016_OverlappingFields_FiresForSharedBytesAndTheGeneratorStillEmits()
    {
        const string Source = """
            [SharedSegment("demo.union")]
            [StructLayout(LayoutKind.Explicit)]
            public partial struct Union
            {
                [FieldOffset(0)] public long A;
                [FieldOffset(4)] public int {|SST0016:B|};
                [FieldOffset(8)] public int C;
            }
            """;
        AnalyzerVerifier.Verify(Usings + Source, ["B", "A", "4..7", "0..7"]);
        // A warning, not a rejection: the layout is well defined, so the generator emits the segment class.
        Microsoft.CodeAnalysis.Compilation compilation = TestCompilation.Create(Markup.Parse(Usings + Source).Source);
        Assert.Single(TestCompilation.Generated(compilation));
    }

    [Fact]
    public void SST0005_NonPortableFieldType_IsInformational()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.flags")]
            public partial struct Flags
            {
                public bool {|SST0005:Enabled|};
                public char {|SST0005:Letter|};
                public decimal {|SST0005:Price|};
                public Money {|SST0005:Total|};
                public int Count;
            }

            public struct Money { public decimal Amount; }
            """,
            ["Enabled", "bool", "C and C++ disagree on the size of bool and only 0 and 1 are valid; if programs outside .NET read the segment, use a byte holding 0 or 1"],
            ["Letter", "char", "a char is a 2-byte UTF-16 code unit, not a C char; for text use a fixed char buffer, for a code unit use ushort"],
            ["Price", "decimal", "the 16-byte layout of decimal is a .NET implementation detail; if programs outside .NET read the segment, store a scaled long or a double"],
            ["Total.Amount", "decimal", "the 16-byte layout of decimal is a .NET implementation detail; if programs outside .NET read the segment, store a scaled long or a double"]);
    }

    [Fact]
    public void SST0005_NonPortableFieldType_LookAlikesDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.text")]
            public unsafe partial struct Text
            {
                public fixed char Name[16];
                public fixed bool Bits[8];
                public Chars Inline;
                public byte Enabled;
                public ushort CodeUnit;
                public double Price;
            }

            [InlineArray(8)]
            public struct Chars { private char _element; }

            public struct NotShared { public bool B; public decimal D; }
            """);
    }

    [Fact]
    public void SST0006_InvalidSegmentName_UsesTheRuntimeRule()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment({|SST0006:"Demo.counter"|})] public partial struct A { public int X; }
            [SharedSegment({|SST0006:"demo.Counter"|})] public partial struct B { public int X; }
            [SharedSegment({|SST0006:"demo/counter"|})] public partial struct C { public int X; }
            [SharedSegment({|SST0006:""|})] public partial struct D { public int X; }
            [SharedSegment({|SST0006:Names.Dotted|})] public partial struct E { public int X; }
            [SharedSegment({|SST0006:"a234567890123456789012345678901234567890123456789012345678901234x"|})] public partial struct F { public int X; }
            [SharedSegment({|SST0006:null!|})] public partial struct G { public int X; }

            public static class Names { public const string Dotted = "demo..counter"; }
            """,
            ["Demo.counter", "the name contains the upper-case letter 'D'"],
            ["demo.Counter", "the name contains the upper-case letter 'C'"],
            ["demo/counter", "the name contains the path separator '/'"],
            ["", "the name is empty"],
            ["demo..counter", "the name contains \"..\""],
            ["a234567890123456789012345678901234567890123456789012345678901234x", "the name is 65 characters long, more than 64"],
            ["", "the name is empty"]);
    }

    [Fact]
    public void SST0006_InvalidSegmentName_LookAlikesDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.counter-2_x")] public partial struct A { public int X; }
            [SharedSegment(Names.Valid)] public partial struct B { public int X; }
            [SharedSegment("a234567890123456789012345678901234567890123456789012345678901234")] public partial struct C { public int X; }
            public static class Names { public const string Valid = "0.starts.with.digit"; }
            """);
    }

    [Fact]
    public void SST0007_DuplicateSegmentName_FiresOnEveryStructSharingTheName()
    {
        AnalyzerVerifier.Verify(Usings + """
            namespace Demo
            {
                [SharedSegment({|SST0007:"demo.same"|})] public partial struct A { public int X; }
                [SharedSegment({|SST0007:"demo.same"|})] public partial struct B { public long Y; }
                [SharedSegment("demo.other")] public partial struct C { public int X; }
                [SharedSegment("demo.same2")] public partial struct D { public int X; }
            }
            """,
            ["demo.same", "Demo.A", "Demo.B"],
            ["demo.same", "Demo.B", "Demo.A"]);
    }

    [Fact]
    public void SST0008_EmptyOrOversized_FiresForNoDataAndOverTheLimit()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.empty")]
            public partial struct {|SST0008:Empty|} { public static int Shared; public int Computed => 1; }

            [SharedSegment("demo.huge")]
            public unsafe partial struct {|SST0008:Huge|} { public fixed byte Data[1073741824]; public int X; }

            [SharedSegment("demo.inline")]
            public partial struct {|SST0008:Wide|} { public Shorts Items; }

            [InlineArray(600000000)]
            public struct Shorts { private short _element; }
            """,
            ["Empty", "has no instance fields, so its segment would hold no data; add the fields the processes share"],
            ["Huge", "is 1073741828 bytes, more than the 1073741824-byte (1 GiB) limit of a segment; shrink its buffers or split it into several segments"],
            ["Wide", "is 1200000000 bytes, more than the 1073741824-byte (1 GiB) limit of a segment; shrink its buffers or split it into several segments"]);
    }

    [Fact]
    public void SST0008_EmptyOrOversized_LookAlikesDoNotFire()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.exact")]
            public unsafe partial struct Exact { public fixed byte Data[1073741824]; }

            [SharedSegment("demo.one")]
            public partial struct OneByte { public byte B; }

            public struct NotShared { }
            """);
    }

    [Fact]
    public void SST0012_NoLockTimeout_FiresForANonPositiveAttributeTimeout()
    {
        AnalyzerVerifier.Verify(Usings + """
            [SharedSegment("demo.a", LockTimeoutMilliseconds = {|SST0012:-1|})] public partial struct A { public int X; }
            [SharedSegment("demo.b", LockTimeoutMilliseconds = {|SST0012:0|})] public partial struct B { public int X; }
            [SharedSegment("demo.c", LockTimeoutMilliseconds = {|SST0012:-5|})] public partial struct C { public int X; }
            [SharedSegment("demo.d", LockTimeoutMilliseconds = 250)] public partial struct D { public int X; }
            [SharedSegment("demo.e")] public partial struct E { public int X; }
            """,
            ["[SharedSegment] on A", "is -1 ms (Timeout.Infinite), so a stuck holder blocks every access forever", "1000 (the default)"],
            ["[SharedSegment] on B", "is 0 ms, so every access that meets a holder throws TimeoutException at once", "1000 (the default)"],
            ["[SharedSegment] on C", "is -5 ms, which the runtime rejects: opening the segment throws ArgumentOutOfRangeException", "1000 (the default)"]);
    }
}
