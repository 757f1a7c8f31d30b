using Microsoft.CodeAnalysis;

namespace SharedStruct.Layout;

/// <summary>
/// Why the generator emits nothing for a <c>[SharedSegment]</c> type. Every kind but <see cref="CompilerError"/> has
/// an Error diagnostic of its own in SharedStruct.Analyzers (the mapping is in its <c>RejectionDiagnostics</c>); a
/// test fails if a kind is added without one.
/// </summary>
internal enum RejectionKind
{
    /// <summary>SST0001: not a non-generic, non-ref, non-file partial struct in partial non-generic types.</summary>
    Declaration,

    /// <summary>SST0006: the segment name breaks the naming rule.</summary>
    InvalidName,

    /// <summary>SST0002: a field holds a reference (string, array, class, or a struct that contains one).</summary>
    ManagedField,

    /// <summary>SST0003: a pointer, function pointer or native-sized integer.</summary>
    PerProcessValue,

    /// <summary>SST0004: auto layout (the struct, a nested struct, a ValueTuple, DateTimeOffset).</summary>
    RuntimeDependentLayout,

    /// <summary>SST0015: a struct from another assembly that is not in the table of known types, or nesting too deep.</summary>
    UnknownLayout,

    /// <summary>SST0008: no instance fields, or a payload over the 1 GiB limit.</summary>
    EmptyOrOversized,

    /// <summary>Input the C# compiler itself rejects (an invalid Pack, a missing FieldOffset, ...): its error explains it.</summary>
    CompilerError,
}

/// <summary>One reason a type gets no generated code.</summary>
/// <param name="Kind">Which rule.</param>
/// <param name="Field">For a field rejection: the payload's own field it was found through (the diagnostic's place).</param>
/// <param name="Path">For a field rejection: the field's name, dotted into nested structs (<c>Pos.Handle</c>, <c>Items[]</c>).</param>
/// <param name="Type">The type at fault (the field's type, or the nested type), or null.</param>
/// <param name="Detail">What is wrong and what to do, for the message; the reason code for SST0001 is in <paramref name="Tag"/>.</param>
/// <param name="Tag">A machine-readable subtype a code fix can use (SST0001: <c>NotPartial</c>, <c>ContainingTypeNotPartial</c>, <c>Other</c>).</param>
internal sealed record Rejection(RejectionKind Kind, IFieldSymbol? Field, string Path, ITypeSymbol? Type, string Detail, string? Tag = null);
