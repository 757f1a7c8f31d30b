using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStruct.Generator.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>The size rule for by-value snapshot APIs and the struct helpers' names, checked on the generated members.</summary>
public sealed class WholeStructHelperTests
{
    private static string Generate(string body) =>
        GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, $$"""
            using SharedStruct;

            namespace Sizes;

            [SharedSegment("sizes.payload")]
            public unsafe partial struct Payload
            {
            {{body}}
            }
            """).GeneratedSources.Single().SourceText.ToString();

    [Fact]
    public void A64KiBPayloadStillGetsByValueSnapshots()
    {
        string code = Generate("    public fixed byte Bytes[65536];");
        Assert.Contains("public global::Sizes.Payload ReadSnapshot()", code);
        Assert.Contains("WatchAsync(", code);
        Assert.Contains("ReadSnapshot(ref global::Sizes.Payload destination", code);
    }

    [Fact]
    public void OneByteMoreGetsOnlyTheByReferenceSnapshot()
    {
        // The twin of the test above: the same shape one byte over the limit.
        string code = Generate("    public byte Extra;\n    public fixed byte Bytes[65536];");
        Assert.DoesNotContain("public global::Sizes.Payload ReadSnapshot(", code);
        Assert.DoesNotContain("WatchAsync(", code);
        Assert.Contains("ReadSnapshot(ref global::Sizes.Payload destination", code);
        Assert.Contains("public TResult Read<TResult>(", code);
        Assert.Equal(SharedSegment.MaxByValueSnapshotSize, 65536);
    }

    [Fact]
    public void FixedBuffersGetStructHelpersAndValuesDoNot()
    {
        string code = Generate("    public fixed char Note[10];\n    public fixed short Samples[3];\n    public int Count;");
        Assert.Contains("public readonly string GetNote()", code);
        Assert.Contains("public void SetNote(string value)", code);
        Assert.Contains("public global::System.Span<short> SamplesSpan", code);
        Assert.Contains("public readonly global::System.ReadOnlySpan<short> SamplesReadOnlySpan", code);
        Assert.DoesNotContain("GetCount", code);
        Assert.DoesNotContain("CountSpan", code);
        Assert.Contains("public sealed unsafe class PayloadReadOnlySegment", code);
        Assert.Contains("public int Count => _segment.Read(", code);
    }

    [Fact]
    public void AHelperNameTheStructAlreadyUsesIsSkipped()
    {
        string code = Generate("    public fixed char Note[10];\n    public string GetNote() => \"user\";");
        Assert.DoesNotContain("string GetNote()", code);
        Assert.Contains("public void SetNote(string value)", code);
    }
}
