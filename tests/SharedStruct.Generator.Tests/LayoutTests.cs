using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStruct.Generator.Model;
using SharedStruct.Generator.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// The generator's compile-time offsets and sizes equal what the runtime actually lays out: each struct is compiled
/// for real, loaded, and probed with <c>Unsafe.SizeOf</c> and <c>Unsafe.ByteOffset</c>. (<c>Marshal.OffsetOf</c> reports
/// the marshalled layout, where bool is 4 bytes and char 1, so it is only used for blittable auto-property structs.)
/// </summary>
public sealed class LayoutTests
{
    private const string Structs = """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using SharedStruct;

        namespace Layouts;

        [SharedSegment("layout.counter")]
        public unsafe partial struct Counter { public long Hits; public int Flags; public fixed char Note[100]; }

        [SharedSegment("layout.boollong")]
        public partial struct BoolLong { public bool B; public long L; public bool C; public char D; }

        [SharedSegment("layout.pack1")]
        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        public partial struct Pack1 { public byte B; public long L; public short S; }

        [SharedSegment("layout.pack2size")]
        [StructLayout(LayoutKind.Sequential, Pack = 2, Size = 11)]
        public partial struct Pack2Size { public byte B; public long L; }

        [SharedSegment("layout.pack4")]
        [StructLayout(LayoutKind.Sequential, Pack = 4)]
        public partial struct Pack4 { public int I; public long Misaligned; public int J; }

        [SharedSegment("layout.pack16")]
        [StructLayout(LayoutKind.Sequential, Pack = 16)]
        public partial struct Pack16 { public byte B; public long L; }

        [SharedSegment("layout.seqsize")]
        [StructLayout(LayoutKind.Sequential, Size = 13)]
        public partial struct SeqSize { public long A; }

        [SharedSegment("layout.explicit")]
        [StructLayout(LayoutKind.Explicit)]
        public partial struct Explicit { [FieldOffset(0)] public long A; [FieldOffset(0)] public int Low; [FieldOffset(4)] public int High; [FieldOffset(8)] public byte B; }

        [SharedSegment("layout.explicitsize")]
        [StructLayout(LayoutKind.Explicit, Size = 40)]
        public partial struct ExplicitSize { [FieldOffset(2)] public short S; [FieldOffset(16)] public double D; }

        public struct Inner { public byte Y; public bool Z; public long W; }
        public struct Empty { }
        [StructLayout(LayoutKind.Sequential, Pack = 1)] public struct PackedInner { public byte A; public int B; }
        [StructLayout(LayoutKind.Explicit)] public struct ExplicitInner { [FieldOffset(0)] public long A; [FieldOffset(8)] public byte B; }

        [SharedSegment("layout.nested")]
        public partial struct Nested
        {
            public byte Head;
            public Inner First;
            public Empty Nothing;
            public PackedInner Packed;
            public ExplicitInner Overlay;
            public byte Tail;
        }

        [SharedSegment("layout.nestedpack")]
        [StructLayout(LayoutKind.Sequential, Pack = 2)]
        public partial struct NestedPack { public byte B; public Inner I; }

        public enum Small : byte { A }
        public enum Wide : long { A }
        public enum Half : ushort { A }

        [SharedSegment("layout.scalars")]
        public unsafe partial struct Scalars
        {
            public byte B; public decimal M; public Small S; public Wide W; public Half H;
            public sbyte I8; public float F; public double D; public char C;
            public fixed byte Bytes[3]; public fixed long Longs[2]; public fixed bool Flags[5]; public fixed double Doubles[1];
        }

        [InlineArray(3)] public struct ThreeShorts { private short _e; }
        public struct Cell { public byte Row; public int Column; }
        [InlineArray(2)] public struct TwoCells { private Cell _e; }
        [InlineArray(2)] public struct Grid { private ThreeShorts _e; }

        [SharedSegment("layout.inline")]
        public partial struct Inline { public byte X; public ThreeShorts Shorts; public TwoCells Cells; public Grid Grid; public long L; }

        public struct Stamp { public byte B; public DateTime When; public Guid Id; }
        [InlineArray(3)] public struct Moments { private TimeOnly _e; }
        [InlineArray(2)] public struct MaybeInts { private int? _e; }

        // Each core-library type behind a byte, so a wrong alignment moves everything after it.
        [SharedSegment("layout.core")]
        public partial struct Core
        {
            public byte B0; public DateTime When; public byte B1; public TimeSpan Elapsed; public byte B2; public DateOnly Day;
            public byte B3; public TimeOnly At; public byte B4; public Guid Id; public byte B5; public Half Ratio;
            public byte B6; public Int128 Big; public byte B7; public UInt128 Huge; public byte B8; public System.Numerics.Complex Z;
            public byte B9; public System.Numerics.Vector2 V2; public byte B10; public System.Numerics.Vector3 V3;
            public byte B11; public System.Numerics.Vector4 V4; public byte B12; public System.Numerics.Quaternion Q;
            public byte B13; public System.Numerics.Matrix4x4 M; public byte B14; public int? MaybeInt; public byte B15;
            public DateTime? MaybeWhen; public byte B16; public Int128? MaybeBig; public byte B17; public decimal? MaybeMoney;
            public byte B18; public Stamp? MaybeStamp; public byte B19; public Moments Times; public MaybeInts Maybes;
            public DayOfWeek Weekday; public Half? MaybeHalf;
        }

        [SharedSegment("layout.corepack")]
        [StructLayout(LayoutKind.Sequential, Pack = 2)]
        public partial struct CorePack { public byte B; public Int128 Big; public byte C; public DateTime When; public Guid? Id; }
        """;

    [Fact]
    public void OffsetsAndSizesMatchTheRuntime()
    {
        (Assembly assembly, IReadOnlyList<SegmentModel> models, AssemblyLoadContext context) = CompileAndLoad(Structs, withProbes: true);
        try
        {
            Assert.Equal(15, models.Count);
            foreach (SegmentModel model in models)
            {
                string name = model.TypeName;
                Type probe = assembly.GetType($"Layouts.Probe_{name}", throwOnError: true)!;
                int size = (int)probe.GetMethod("Size")!.Invoke(null, null)!;
                long[] offsets = (long[])probe.GetMethod("Offsets")!.Invoke(null, null)!;
                Description description = Description.Parse(model.Description);

                Assert.True(size == description.Size, $"{name}: generator size {description.Size}, runtime size {size}.");
                Assert.Equal(description.Size, model.Size);
                Assert.Equal(description.Fields.Count, offsets.Length);
                for (int i = 0; i < offsets.Length; i++)
                {
                    Assert.True(offsets[i] == description.Fields[i].Offset,
                        $"{name}.{description.Fields[i].Name}: generator offset {description.Fields[i].Offset}, runtime offset {offsets[i]}.");
                }
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void GeneratedLayoutCarriesTheRuntimeFingerprintOfItsDescription()
    {
        (Assembly assembly, IReadOnlyList<SegmentModel> models, AssemblyLoadContext context) = CompileAndLoad(Structs, withProbes: false);
        try
        {
            foreach (SegmentModel model in models)
            {
                Type segment = assembly.GetType($"Layouts.{model.SegmentClassName}", throwOnError: true)!;
                var layout = (SegmentLayout)segment.GetProperty("Layout")!.GetValue(null)!;
                Assert.Equal(model.Description, layout.Description);
                Assert.Equal(SegmentLayout.ComputeFingerprint(layout.Description), layout.Fingerprint);
                Assert.Equal(model.SegmentName, (string)segment.GetField("SegmentName")!.GetValue(null)!);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void AtomicHelpersOnlyForNaturallyAlignedFields()
    {
        (Assembly assembly, _, AssemblyLoadContext context) = CompileAndLoad(Structs, withProbes: false);
        try
        {
            Type pack4 = assembly.GetType("Layouts.Pack4Segment", throwOnError: true)!;
            Assert.NotNull(pack4.GetMethod("AddI"));
            Assert.NotNull(pack4.GetMethod("AddJ"));        // offset 12: aligned for an int
            Assert.Null(pack4.GetMethod("AddMisaligned"));  // offset 4: not aligned for a long
            Assert.NotNull(pack4.GetProperty("Misaligned")); // still reachable under the lock
            Type pack1 = assembly.GetType("Layouts.Pack1Segment", throwOnError: true)!;
            Assert.Null(pack1.GetMethod("AddL"));
            Type counter = assembly.GetType("Layouts.CounterSegment", throwOnError: true)!;
            Assert.NotNull(counter.GetMethod("AddHits"));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void RecordStructBackingFieldsMatchTheRuntime()
    {
        const string source = """
            using SharedStruct;
            namespace Layouts;
            [SharedSegment("layout.record")]
            public partial record struct Rec(byte A, long B)
            {
                public int C = 0;
                public short D { get; set; }
            }
            """;
        (Assembly assembly, IReadOnlyList<SegmentModel> models, AssemblyLoadContext context) = CompileAndLoad(source, withProbes: false);
        try
        {
            Type type = assembly.GetType("Layouts.Rec", throwOnError: true)!;
            Description description = Description.Parse(models.Single().Description);
            Assert.Equal(Marshal.SizeOf(type), description.Size);
            Assert.Equal(new[] { "A", "B", "C", "D" }, description.Fields.Select(f => f.Name));
            foreach (Description.Field field in description.Fields)
            {
                string metadataName = field.Name == "C" ? "C" : $"<{field.Name}>k__BackingField";
                Assert.Equal((long)Marshal.OffsetOf(type, metadataName), field.Offset);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static (Assembly, IReadOnlyList<SegmentModel>, AssemblyLoadContext) CompileAndLoad(string source, bool withProbes)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(LanguageVersion.CSharp12, source);
        GeneratorDriver driver = GeneratorHarness.Driver(LanguageVersion.CSharp12, trackSteps: true)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics, TestContext.Current.CancellationToken);
        Assert.Empty(generatorDiagnostics);
        List<SegmentModel> models = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.ValidModels]
            .SelectMany(step => step.Outputs).Select(o => (SegmentModel)o.Value).ToList();

        if (withProbes)
        {
            output = output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Probes(models),
                GeneratorHarness.ParseOptions(LanguageVersion.CSharp12), "Probes.cs", cancellationToken: TestContext.Current.CancellationToken));
        }

        using var stream = new MemoryStream();
        var emit = output.Emit(stream, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new AssemblyLoadContext("layout-probe-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return (context.LoadFromStream(stream), models, context);
    }

    /// <summary>For each struct, a class that reports its runtime size and the offset of every described leaf.</summary>
    private static string Probes(IEnumerable<SegmentModel> models)
    {
        var text = new StringBuilder("""
            using System.Runtime.CompilerServices;
            namespace Layouts;
            internal static class Off
            {
                public static long Of<TS, TF>(ref TS s, ref TF f) => (long)Unsafe.ByteOffset(ref Unsafe.As<TS, byte>(ref s), ref Unsafe.As<TF, byte>(ref f));
                // A Nullable's flag and value as the runtime placed them (its fields are private).
                public static ref bool H<T>(ref T? n) where T : struct => ref Unsafe.As<T?, bool>(ref n);
                public static ref T V<T>(ref T? n) where T : struct => ref Unsafe.AsRef(in System.Nullable.GetValueRefOrDefaultRef(in n));
            }

            """);
        foreach (SegmentModel model in models)
        {
            Description description = Description.Parse(model.Description);
            text.Append($"public static unsafe class Probe_{model.TypeName}\n{{\n");
            text.Append($"    public static int Size() => Unsafe.SizeOf<{model.FullyQualifiedName}>();\n");
            text.Append($"    public static long[] Offsets()\n    {{\n        var s = default({model.FullyQualifiedName});\n        return new long[] {{ ");
            foreach (Description.Field field in description.Fields)
            {
                string access = Access(field.Name) + (field.Type.EndsWith("]", StringComparison.Ordinal) ? "[0]" : "");
                text.Append($"Off.Of(ref s, ref {access}), ");
            }
            text.Append("};\n    }\n}\n");
        }
        return text.ToString();
    }

    /// <summary>C# for a described leaf: <c>s.Pos.X</c>; a Nullable's <c>.HasValue</c> and <c>.Value</c> through the probes' helpers.</summary>
    private static string Access(string name)
    {
        string expression = "s";
        foreach (string part in name.Split('.'))
        {
            expression = part switch
            {
                "HasValue" => $"Off.H(ref {expression})",
                "Value" => $"Off.V(ref {expression})",
                _ when part.StartsWith('[') => expression + part,
                _ => expression + "." + part,
            };
        }
        return expression;
    }

    /// <summary>A parsed canonical layout description.</summary>
    private sealed record Description(int Size, IReadOnlyList<Description.Field> Fields)
    {
        public sealed record Field(string Name, string Type, int Offset, int Size);

        public static Description Parse(string text)
        {
            string[] lines = text.Split('\n');
            Assert.Equal("sharedstruct-layout 1", lines[0]);
            Assert.StartsWith("struct ", lines[1], StringComparison.Ordinal);
            int size = Value(lines[1], "size");
            var fields = new List<Field>();
            foreach (string line in lines.Skip(2))
            {
                string[] parts = line.Split(' ');
                if (parts[0] == "enum")
                    continue; // enum member names, after the fields: they place no byte
                Assert.Equal("field", parts[0]);
                fields.Add(new Field(parts[1], parts[2], Value(line, "offset"), Value(line, "size")));
            }
            return new Description(size, fields);
        }

        private static int Value(string line, string key) =>
            int.Parse(line.Split(' ').Single(p => p.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
