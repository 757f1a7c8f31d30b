using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStruct.Analyzers.Declarations;
using SharedStruct.Analyzers.Tests.Infrastructure;
using SharedStruct.Layout;
using Xunit;

namespace SharedStruct.Analyzers.Tests.Contract;

/// <summary>
/// "Invalid input produces no code; an error says why" for every case the layout engine and the rules know: each
/// invalid declaration gets its error (never a bare CS0117 at the first use), each valid one gets code that compiles.
/// </summary>
public sealed class ContractTests
{
    private const string Use = "public static class Use { public static void M() { using var seg = Subject.Open(); } }";

    /// <summary>Why, the declaration, the error that must explain it (an SST rule or the compiler's own error).</summary>
    public static TheoryData<string, string, string> Invalid => new()
    {
        { "class", """[SharedSegment("bad.class")] public partial class Subject { public int A; }""", "SST0001" },
        { "not partial", """[SharedSegment("bad.partial")] public struct Subject { public int A; }""", "SST0001" },
        { "ref struct", """[SharedSegment("bad.ref")] public ref partial struct Subject { public int A; }""", "SST0001" },
        { "generic", """[SharedSegment("bad.generic")] public partial struct Subject<T> where T : unmanaged { public T A; }""", "SST0001" },
        { "file-local", """[SharedSegment("bad.file")] file partial struct Subject { public int A; }""", "SST0001" },
        { "non-partial container", """public class Outer { [SharedSegment("bad.outer")] public partial struct Subject { public int A; } }""", "SST0001" },
        { "generic container", """public partial class Outer<T> { [SharedSegment("bad.outer")] public partial struct Subject { public int A; } }""", "SST0001" },
        { "upper-case name", """[SharedSegment("Bad.Name")] public partial struct Subject { public int A; }""", "SST0006" },
        { "empty name", """[SharedSegment("")] public partial struct Subject { public int A; }""", "SST0006" },
        { "null name", """[SharedSegment(null!)] public partial struct Subject { public int A; }""", "SST0006" },
        { "string field", """[SharedSegment("bad.string")] public partial struct Subject { public string A; }""", "SST0002" },
        { "array field", """[SharedSegment("bad.array")] public partial struct Subject { public int[] A; }""", "SST0002" },
        { "struct holding a reference", """[SharedSegment("bad.holder")] public partial struct Subject { public Holder A; } public struct Holder { public object O; }""", "SST0002" },
        { "pointer field", """[SharedSegment("bad.pointer")] public unsafe partial struct Subject { public int* A; }""", "SST0003" },
        { "function pointer", """[SharedSegment("bad.fnptr")] public unsafe partial struct Subject { public delegate*<void> A; }""", "SST0003" },
        { "nint field", """[SharedSegment("bad.nint")] public partial struct Subject { public nint A; }""", "SST0003" },
        { "nested UIntPtr", """[SharedSegment("bad.uintptr")] public partial struct Subject { public Inner A; } public struct Inner { public UIntPtr P; }""", "SST0003" },
        { "auto layout", """[SharedSegment("bad.auto")] [StructLayout(LayoutKind.Auto)] public partial struct Subject { public int A; }""", "SST0004" },
        { "nested auto layout", """[SharedSegment("bad.nestedauto")] public partial struct Subject { public Inner A; } [StructLayout(LayoutKind.Auto)] public struct Inner { public int X; }""", "SST0004" },
        { "ValueTuple", """[SharedSegment("bad.tuple")] public partial struct Subject { public (int, long) A; }""", "SST0004" },
        { "DateTimeOffset", """[SharedSegment("bad.dto")] public partial struct Subject { public DateTimeOffset A; }""", "SST0004" },
        { "nullable DateTimeOffset", """[SharedSegment("bad.dtonull")] public partial struct Subject { public DateTimeOffset? A; }""", "SST0004" },
        { "inline array of DateTimeOffset", """[SharedSegment("bad.dtoarray")] public partial struct Subject { public Stamps A; } [InlineArray(2)] public struct Stamps { private DateTimeOffset _e; }""", "SST0004" },
        { "struct of another assembly", """[SharedSegment("bad.index")] public partial struct Subject { public Index A; }""", "SST0015" },
        { "Vector<T>", """[SharedSegment("bad.vector")] public partial struct Subject { public System.Numerics.Vector<float> A; }""", "SST0015" },
        { "KeyValuePair", """[SharedSegment("bad.kvp")] public partial struct Subject { public System.Collections.Generic.KeyValuePair<int, int> A; }""", "SST0015" },
        { "nested too deep", DeepNesting(40), "SST0015" },
        { "no fields", """[SharedSegment("bad.empty")] public partial struct Subject { public static int Shared; }""", "SST0008" },
        { "over 1 GiB", """[SharedSegment("bad.huge")] public unsafe partial struct Subject { public fixed byte Data[1073741824]; public int X; }""", "SST0008" },
        { "invalid Pack", """[SharedSegment("bad.pack")] [StructLayout(LayoutKind.Sequential, Pack = 3)] public partial struct Subject { public int A; }""", "CS0599" },
        { "explicit without offset", """[SharedSegment("bad.offset")] [StructLayout(LayoutKind.Explicit)] public partial struct Subject { public int A; }""", "CS0625" },
        { "struct that contains itself", """[SharedSegment("bad.cycle")] public partial struct Subject { public Loop A; } public struct Loop { public Loop Next; }""", "CS0523" },
    };

    /// <summary>Why, the declaration: each must get code that compiles, with no error from any analyzer.</summary>
    public static TheoryData<string, string> Valid => new()
    {
        { "primitives", """[SharedSegment("ok.prims")] public partial struct Subject { public long A; public int B; public byte C; public float D; }""" },
        { "bool, char, decimal (SST0005 is a note)", """[SharedSegment("ok.notes")] public partial struct Subject { public bool A; public char B; public decimal C; }""" },
        { "DateTime", """[SharedSegment("ok.datetime")] public partial struct Subject { public byte Tag; public DateTime A; }""" },
        { "TimeSpan", """[SharedSegment("ok.timespan")] public partial struct Subject { public byte Tag; public TimeSpan A; }""" },
        { "DateOnly", """[SharedSegment("ok.dateonly")] public partial struct Subject { public byte Tag; public DateOnly A; }""" },
        { "TimeOnly", """[SharedSegment("ok.timeonly")] public partial struct Subject { public byte Tag; public TimeOnly A; }""" },
        { "Guid", """[SharedSegment("ok.guid")] public partial struct Subject { public byte Tag; public Guid A; }""" },
        { "Half", """[SharedSegment("ok.half")] public partial struct Subject { public byte Tag; public Half A; }""" },
        { "Int128", """[SharedSegment("ok.int128")] public partial struct Subject { public byte Tag; public Int128 A; }""" },
        { "UInt128", """[SharedSegment("ok.uint128")] public partial struct Subject { public byte Tag; public UInt128 A; }""" },
        { "Complex", """[SharedSegment("ok.complex")] public partial struct Subject { public byte Tag; public System.Numerics.Complex A; }""" },
        { "Vector2", """[SharedSegment("ok.vector2")] public partial struct Subject { public byte Tag; public System.Numerics.Vector2 A; }""" },
        { "Vector3", """[SharedSegment("ok.vector3")] public partial struct Subject { public byte Tag; public System.Numerics.Vector3 A; }""" },
        { "Vector4", """[SharedSegment("ok.vector4")] public partial struct Subject { public byte Tag; public System.Numerics.Vector4 A; }""" },
        { "Quaternion", """[SharedSegment("ok.quaternion")] public partial struct Subject { public byte Tag; public System.Numerics.Quaternion A; }""" },
        { "Matrix4x4", """[SharedSegment("ok.matrix")] public partial struct Subject { public byte Tag; public System.Numerics.Matrix4x4 A; }""" },
        { "Nullable of a primitive", """[SharedSegment("ok.nullint")] public partial struct Subject { public int? A; }""" },
        { "Nullable of a core type", """[SharedSegment("ok.nullguid")] public partial struct Subject { public Guid? A; public DateTime? B; }""" },
        { "Nullable of a source struct", """[SharedSegment("ok.nullinner")] public partial struct Subject { public Inner? A; } public struct Inner { public long X; public TimeSpan Y; }""" },
        { "enum of another assembly", """[SharedSegment("ok.enum")] public partial struct Subject { public DayOfWeek A; }""" },
        { "inline array of DateTime", """[SharedSegment("ok.dates")] public partial struct Subject { public Dates A; } [InlineArray(3)] public struct Dates { private DateTime _e; }""" },
        { "nested struct of core types", """[SharedSegment("ok.nested")] public partial struct Subject { public Inner A; } public struct Inner { public Guid Id; public DateOnly Day; }""" },
        { "record struct", """[SharedSegment("ok.record")] public partial record struct Subject(long A, DateTime B);""" },
        { "overlapping explicit fields (SST0016 is a warning)", """[SharedSegment("ok.union")] [StructLayout(LayoutKind.Explicit)] public partial struct Subject { [FieldOffset(0)] public long A; [FieldOffset(0)] public int B; }""" },
        { "infinite attribute timeout (SST0012 is a warning)", """[SharedSegment("ok.infinite", LockTimeoutMilliseconds = -1)] public partial struct Subject { public int A; }""" },
        { "zero attribute timeout", """[SharedSegment("ok.zero", LockTimeoutMilliseconds = 0)] public partial struct Subject { public int A; }""" },
        { "rejected attribute timeout (throws at Open; SST0012 warns)", """[SharedSegment("ok.rejected", LockTimeoutMilliseconds = -5)] public partial struct Subject { public int A; }""" },
        { "structs nested 31 deep", DeepNesting(30) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidInputGetsNoCodeAndAnErrorThatSaysWhy(string why, string declaration, string expectedError)
    {
        string usage = why switch
        {
            "generic" => "public static class Use { public static void M() { using var seg = Subject<int>.Open(); } }",
            "non-partial container" => "public static class Use { public static void M() { using var seg = Outer.Subject.Open(); } }",
            "generic container" => "public static class Use { public static void M() { using var seg = Outer<int>.Subject.Open(); } }",
            "file-local" => "",
            _ => Use,
        };
        ContractCheck.Outcome outcome = ContractCheck.Run(declaration, usage);
        Assert.True(outcome.Violation is null, $"{why}: {outcome.Violation}");
        Assert.False(outcome.Generated, $"{why}: code was generated");
        Assert.True(outcome.Explaining.Contains(expectedError), $"{why}: expected {expectedError}, got {string.Join(", ", outcome.Explaining)}");
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void ValidInputGetsCodeThatCompiles(string why, string declaration)
    {
        ContractCheck.Outcome outcome = ContractCheck.Run(declaration, Use + "\npublic static class Read { public static object Get() => SubjectSegment.Layout; }");
        Assert.True(outcome.Violation is null, $"{why}: {outcome.Violation}");
        Assert.True(outcome.Generated, $"{why}: no code was generated");
    }

    /// <summary>
    /// Why, the declaration, the usage, the error: the documented exceptions to "no code exactly when an error says
    /// why" (docs/diagnostics/README.md). Their error fails the build, yet code is generated and compiles.
    /// </summary>
    public static TheoryData<string, string, string, string> ErrorsThatKeepCode => new()
    {
        {
            // SST0007 is about two declarations, not one: each alone is valid, so each gets its code; the error is
            // what fails the build, and it names the other struct.
            "two structs with one segment name",
            """
            [SharedSegment("dup.name")] public partial struct First { public int A; }
            [SharedSegment("dup.name")] public partial struct Second { public long B; }
            """,
            "public static class Use { public static void M() { using var a = First.Open(); using var b = Second.Open(); } }",
            "SST0007"
        },
    };

    [Theory]
    [MemberData(nameof(ErrorsThatKeepCode))]
    public void DocumentedExceptionsGetAnErrorAndCodeThatCompiles(string why, string declaration, string usage, string expectedError)
    {
        string? mismatch = DocumentedExceptionMismatch(ContractCheck.Run(declaration, usage), expectedError);
        Assert.True(mismatch is null, $"{why}: {mismatch}");
    }

    [Fact]
    public void SST0007IsTheOnlyDocumentedException()
    {
        // A new row here weakens the contract: it must be argued in docs/diagnostics/README.md first.
        Assert.Equal(["SST0007"], ErrorsThatKeepCode.Select(row => row.Data.Item4).Distinct());
    }

    /// <summary>Null when the run is the documented exception: code, the one error, and nothing else fails.</summary>
    private static string? DocumentedExceptionMismatch(ContractCheck.Outcome outcome, string expectedError) =>
        !outcome.Generated ? $"no code was generated; errors: {string.Join(", ", outcome.Explaining)}"
        : !outcome.Explaining.SequenceEqual([expectedError]) ? $"expected only {expectedError}, got [{string.Join(", ", outcome.Explaining)}]"
        : outcome.Remaining.Count > 0 ? $"the generated code does not compile: {string.Join("; ", outcome.Remaining)}"
        // Without the exception the contract check itself flags the run: this is the rule being set aside, no other.
        : outcome.Violation != $"code was generated although errors say it cannot be: {expectedError}" ? $"unexpected contract outcome: {outcome.Violation ?? "(none)"}"
        : null;

    [Fact]
    public void EveryRejectionTheEngineCanMakeHasAnErrorAndAnInvalidCase()
    {
        string[] covered = Invalid.Select(row => row.Data.Item3).Distinct().ToArray();
        foreach (RejectionKind kind in Enum.GetValues<RejectionKind>())
        {
            if (kind == RejectionKind.CompilerError)
                continue;
            DiagnosticDescriptor? descriptor = RejectionDiagnostics.DescriptorFor(kind);
            Assert.True(descriptor is not null, $"{kind} has no diagnostic.");
            Assert.True(descriptor!.DefaultSeverity == DiagnosticSeverity.Error, $"{kind} is reported as {descriptor.Id}, a {descriptor.DefaultSeverity}: the generator emits nothing for it, so it must be an error.");
            Assert.True(covered.Contains(descriptor.Id), $"No invalid case of the contract test shows {kind} ({descriptor.Id}).");
        }
    }

    // ---- the tests of the check above: it must be able to fail

    [Fact]
    public void TheCheckFailsWhenAnAnalyzerMissesARejection()
    {
        // Without the declaration analyzer nothing explains the missing code for DateTimeOffset: a bare CS0117.
        ImmutableArray<DiagnosticAnalyzer> without = TestCompilation.Analyzers.RemoveAll(a => a is SharedSegmentDeclarationAnalyzer);
        ContractCheck.Outcome outcome = ContractCheck.Run(
            """[SharedSegment("bad.dto")] public partial struct Subject { public DateTimeOffset A; }""", Use, without, new Generator.SharedSegmentGenerator());
        Assert.NotNull(outcome.Violation);
        Assert.StartsWith("no code was generated and no error says why; the build shows only: CS0117", outcome.Violation, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCheckFailsWhenTheGeneratorSkipsValidInput()
    {
        ContractCheck.Outcome outcome = ContractCheck.Run(
            """[SharedSegment("ok.guid")] public partial struct Subject { public Guid A; }""", Use, TestCompilation.Analyzers, new SilentGenerator());
        Assert.NotNull(outcome.Violation);
        Assert.Contains("CS0117", outcome.Violation, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCheckFailsWhenCodeIsGeneratedDespiteAnError()
    {
        // A stand-in generator that emits code for a struct the rules reject.
        ContractCheck.Outcome outcome = ContractCheck.Run(
            """[SharedSegment("bad.nint")] public partial struct Subject { public nint A; }""", "", TestCompilation.Analyzers, new EagerGenerator());
        Assert.Equal("code was generated although errors say it cannot be: SST0003", outcome.Violation);
    }

    [Fact]
    public void TheExceptionCheckFailsWhenTheNamesDifferOrTheCodeIsMissing()
    {
        const string Usage = "public static class Use { public static void M() { using var a = First.Open(); using var b = Second.Open(); } }";
        // Distinct names: code and no error, so nothing is excepted.
        ContractCheck.Outcome distinct = ContractCheck.Run(
            """
            [SharedSegment("dup.first")] public partial struct First { public int A; }
            [SharedSegment("dup.second")] public partial struct Second { public long B; }
            """, Usage);
        Assert.Equal("expected only SST0007, got []", DocumentedExceptionMismatch(distinct, "SST0007"));

        // A generator that stopped emitting code for duplicate names: the exception (and its docs) would have to go.
        ContractCheck.Outcome silent = ContractCheck.Run(
            """
            [SharedSegment("dup.name")] public partial struct First { public int A; }
            [SharedSegment("dup.name")] public partial struct Second { public long B; }
            """, Usage, TestCompilation.Analyzers, new SilentGenerator());
        Assert.Equal("no code was generated; errors: SST0007", DocumentedExceptionMismatch(silent, "SST0007"));
    }

    /// <summary>Emits nothing, ever.</summary>
    private sealed class SilentGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) { }
    }

    /// <summary>Emits an empty partial for the subject whatever its fields.</summary>
    private sealed class EagerGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterPostInitializationOutput(static c => c.AddSource("Subject.g.cs", "partial struct Subject { }"));
    }

    private static string DeepNesting(int levels)
    {
        var text = new System.Text.StringBuilder("[SharedSegment(\"deep.nesting\")] public partial struct Subject { public Level0 A; }\n");
        for (int i = 0; i < levels; i++)
            text.Append($"public struct Level{i} {{ public byte B; public Level{i + 1} Next; }}\n");
        text.Append($"public struct Level{levels} {{ public long End; }}\n");
        return text.ToString();
    }
}
