using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStruct.Generator.Model;
using SharedStruct.Generator.Tests.Infrastructure;
using SharedStruct.Tests.Roslyn;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>The compile-time fingerprint follows the layout and nothing else.</summary>
public sealed class FingerprintTests
{
    private const string Baseline = CounterSource.Text;


    [Theory]
    [InlineData("type", "public int Flags;", "public uint Flags;")]
    [InlineData("type width", "public long Hits;", "public int Hits;")]
    [InlineData("name", "public int Flags;", "public int Options;")]
    [InlineData("order", "public long Hits;\n    public int Flags;", "public int Flags;\n    public long Hits;")]
    [InlineData("buffer length", "Note[100]", "Note[101]")]
    [InlineData("added field", "public int Flags;", "public int Flags;\n    public byte Extra;")]
    [InlineData("packing", "[SharedSegment(\"demo.counter\")]", "[SharedSegment(\"demo.counter\")]\n[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 4)]")]
    public void LayoutChangesChangeIt(string what, string from, string to)
    {
        string changed = Baseline.Replace(from, to);
        Assert.NotEqual(Baseline, changed);
        Assert.True(Fingerprint(Baseline) != Fingerprint(changed), $"A {what} change kept the fingerprint.");
    }

    [Theory]
    [InlineData("comments", "public int Flags;", "// the flags\n    public int Flags; /* really */")]
    [InlineData("whitespace", "public long Hits;", "public   long\n\n        Hits ;")]
    [InlineData("methods", "public int Flags;", "public int Flags;\n    public long Twice() => Hits * 2;\n    public static void Reset() { }")]
    [InlineData("properties", "public int Flags;", "public int Flags;\n    public bool IsSet => Flags != 0;")]
    [InlineData("constants and statics", "public int Flags;", "public int Flags;\n    public const int Max = 3;\n    public static long Shared;")]
    [InlineData("lock timeout", "[SharedSegment(\"demo.counter\")]", "[SharedSegment(\"demo.counter\", LockTimeoutMilliseconds = 50)]")]
    [InlineData("namespace", "namespace Demo;", "namespace Sidecar.Monitoring;")]
    [InlineData("type name", "partial struct Counter", "partial struct HitCounter")]
    public void NonLayoutChangesKeepIt(string what, string from, string to)
    {
        string changed = Baseline.Replace(from, to);
        Assert.NotEqual(Baseline, changed);
        Assert.True(Fingerprint(Baseline) == Fingerprint(changed), $"A {what} change altered the fingerprint.");
    }

    [Fact]
    public void EqualsTheRuntimeHashOfTheDescription()
    {
        SegmentModel model = Model(Baseline);
        Assert.Equal(SegmentLayout.ComputeFingerprint(model.Description), model.Fingerprint);
        Assert.Equal(
            "sharedstruct-layout 1\n" +
            "struct Demo.Counter size=232 kind=Sequential pack=0\n" +
            "field Hits int64 offset=0 size=8\n" +
            "field Flags int32 offset=8 size=4\n" +
            "field Bytes uint64 offset=16 size=8\n" +
            "field Ratio float64 offset=24 size=8\n" +
            "field Note char[100] offset=32 size=200",
            model.Description);
    }

    [Fact]
    public void TheDescriptionStillNamesTheStructThatTheFingerprintLeavesOut()
    {
        SegmentModel service = Model(Baseline.Replace("namespace Demo;", "namespace Service;"));
        SegmentModel sidecar = Model(Baseline.Replace("namespace Demo;", "namespace Sidecar;"));
        Assert.Contains("struct Service.Counter size=232", service.Description);
        Assert.Contains("struct Sidecar.Counter size=232", sidecar.Description);
        Assert.Equal(service.Fingerprint, sidecar.Fingerprint);
    }

    [Fact]
    public void EnumMembersAreDescribedForToolsButNotFingerprinted()
    {
        const string Source = """
            using SharedStruct;

            namespace Demo;

            public enum Mode : short { Idle = 0, Busy = 7, Broken = -1 }

            [System.Flags]
            public enum Access : byte { None = 0, Read = 1, Write = 2 }

            public struct Inner { public Mode Mode; }

            [SharedSegment("demo.machine")]
            public partial struct Machine
            {
                public Mode State;
                public Access Rights;
                public Inner Nested;
                public int Count;
            }
            """;
        SegmentModel model = Model(Source);
        Assert.Equal(
            "sharedstruct-layout 1\n" +
            "struct Demo.Machine size=12 kind=Sequential pack=0\n" +
            "field State int16 offset=0 size=2\n" +
            "field Rights uint8 offset=2 size=1\n" +
            "field Nested.Mode int16 offset=4 size=2\n" +
            "field Count int32 offset=8 size=4\n" +
            "enum State Idle=0 Busy=7 Broken=-1\n" +
            "enum Rights flags None=0 Read=1 Write=2\n" +
            "enum Nested.Mode Idle=0 Busy=7 Broken=-1",
            model.Description);

        // A new member moves no byte: the fingerprint stays, so builds with and without it share the segment.
        Assert.Equal(model.Fingerprint, Model(Source.Replace("Broken = -1", "Broken = -1, Stopped = 9")).Fingerprint);
        // The twin: the enum's underlying type does move bytes, and changes it.
        Assert.NotEqual(model.Fingerprint, Model(Source.Replace("enum Mode : short", "enum Mode : int")).Fingerprint);
    }

    private static ulong Fingerprint(string source) => Model(source).Fingerprint;

    internal static SegmentModel Model(string source)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(LanguageVersion.CSharp12, source);
        GeneratorRunResult result = GeneratorHarness.Driver(LanguageVersion.CSharp12, trackSteps: true)
            .RunGenerators(compilation, TestContext.Current.CancellationToken).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return Assert.IsType<SegmentModel>(result.TrackedSteps[TrackingNames.ValidModels].Single().Outputs.Single().Value);
    }
}
