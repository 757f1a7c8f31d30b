using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SharedStruct.Tests.Roslyn;

/// <summary>
/// The metadata references of every in-memory compilation in the Roslyn tests (generator and analyzers alike): the
/// running .NET framework's assemblies plus the real SharedStruct.Runtime, as a consumer project sees them.
/// </summary>
public static class RoslynReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Lazy = new(() =>
    {
        string[] framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return framework
            .Where(path => Path.GetFileName(path) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(SharedSegmentAttribute).Assembly.Location))
            .ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> All => Lazy.Value;
}
