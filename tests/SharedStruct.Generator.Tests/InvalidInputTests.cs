using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStruct.Generator.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// Invalid input gets no generated code and no generator diagnostic: the analyzers explain it (the analyzer tests'
/// ContractTests check the error for each case, and these again with the analyzers beside the generator).
/// </summary>
public sealed class InvalidInputTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "class", """[SharedSegment("bad.class")] public partial class Bad { public int A; }""" },
        { "not partial", """[SharedSegment("bad.partial")] public struct Bad { public int A; }""" },
        { "ref struct", """[SharedSegment("bad.ref")] public ref partial struct Bad { public int A; }""" },
        { "generic", """[SharedSegment("bad.generic")] public partial struct Bad<T> where T : unmanaged { public T A; }""" },
        { "managed field", """[SharedSegment("bad.managed")] public partial struct Bad { public string A; }""" },
        { "pointer field", """[SharedSegment("bad.pointer")] public unsafe partial struct Bad { public int* A; }""" },
        { "native int field", """[SharedSegment("bad.nint")] public partial struct Bad { public nint A; }""" },
        { "metadata struct field", """[SharedSegment("bad.index")] public partial struct Bad { public System.Index A; }""" },
        { "DateTimeOffset field", """[SharedSegment("bad.dto")] public partial struct Bad { public System.DateTimeOffset A; }""" },
        { "ValueTuple field", """[SharedSegment("bad.tuple")] public partial struct Bad { public (int, long) A; }""" },
        { "no fields", """[SharedSegment("bad.empty")] public partial struct Bad { }""" },
        { "file-local", """[SharedSegment("bad.file")] file partial struct Bad { public int A; }""" },
        { "auto layout", """[SharedSegment("bad.auto")] [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)] public partial struct Bad { public int A; }""" },
        { "upper-case name", """[SharedSegment("Bad.Name")] public partial struct Bad { public int A; }""" },
        { "empty name", """[SharedSegment("")] public partial struct Bad { public int A; }""" },
        { "non-partial container", """public class Outer { [SharedSegment("bad.outer")] public partial struct Bad { public int A; } }""" },
        { "generic container", """public partial class Outer<T> { [SharedSegment("bad.outer")] public partial struct Bad { public int A; } }""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EmitsNothing(string why, string declaration)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(LanguageVersion.CSharp10, "using SharedStruct;\n" + declaration);
        (_, GeneratorRunResult result) = GeneratorHarness.Run(compilation, LanguageVersion.CSharp10);
        Assert.True(result.GeneratedSources.IsEmpty, $"Generated code for invalid input ({why}).");
    }

    [Fact]
    public void ValidControlEmitsCode()
    {
        // The same shape as the invalid cases, made valid: proves the theory above can fail.
        CSharpCompilation compilation = GeneratorHarness.Compilation(LanguageVersion.CSharp10, """using SharedStruct; [SharedSegment("good.one")] public partial struct Good { public int A; }""");
        (_, GeneratorRunResult result) = GeneratorHarness.Run(compilation, LanguageVersion.CSharp10);
        Assert.Single(result.GeneratedSources);
    }
}
