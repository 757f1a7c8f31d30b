using Microsoft.CodeAnalysis;

namespace SharedStruct.Analyzers;

/// <summary>Every diagnostic SharedStruct reports. Messages say what to do, not only what is wrong.</summary>
internal static class DiagnosticDescriptors
{
    private const string Usage = "Usage";
    private const string Correctness = "Correctness";
    private const string Reliability = "Reliability";

    private const string HelpRoot = "https://github.com/sharedstruct/sharedstruct/blob/main/docs/diagnostics/";

    private static string Help(string id) => HelpRoot + id + ".md";

    /// <summary>SST0001. Args: type name, what is wrong with the declaration.</summary>
    public static readonly DiagnosticDescriptor NotPartialStruct = new(
        DiagnosticIds.NotPartialStruct,
        title: "[SharedSegment] needs a non-generic partial struct",
        messageFormat: "'{0}' {1}; [SharedSegment] needs a non-generic 'partial struct' whose containing types are partial and non-generic, so the generator can add its API",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds Open/CreateNew/OpenExisting to the struct and emits a <Struct>Segment class beside it. That needs a partial, non-generic struct; a class, a ref struct or a generic type cannot be a shared memory payload.",
        helpLinkUri: Help(DiagnosticIds.NotPartialStruct));

    /// <summary>SST0002. Args: field name, field type, what to use instead.</summary>
    public static readonly DiagnosticDescriptor NonBlittableField = new(
        DiagnosticIds.NonBlittableField,
        title: "Shared struct field is not blittable",
        messageFormat: "Field '{0}' of type '{1}' cannot live in shared memory: {2}",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A reference (string, array, class, or a struct that contains one) is a pointer into one process's managed heap. Another process reading it sees garbage, and the garbage collector does not know the shared copy exists.",
        helpLinkUri: Help(DiagnosticIds.NonBlittableField));

    /// <summary>SST0003. Args: field name (dotted path for nested fields), field type.</summary>
    public static readonly DiagnosticDescriptor PerProcessValue = new(
        DiagnosticIds.PerProcessValue,
        title: "Shared struct field holds a per-process address or handle",
        messageFormat: "Field '{0}' of type '{1}' holds an address or handle that means nothing in another process; store an offset, an index or an ID instead",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Pointers, function pointers, nint/nuint and IntPtr/UIntPtr are addresses or OS handles of the process that wrote them. They are blittable, so the compiler accepts them, but another process maps the segment at another address and has other handles. Their size also differs between 32- and 64-bit processes, so no compile-time layout is right for every process: the generator emits nothing for such a struct, and this is an error.",
        helpLinkUri: Help(DiagnosticIds.PerProcessValue));

    /// <summary>SST0004. Args: the type or field concerned, why its layout is not fixed and what to do.</summary>
    public static readonly DiagnosticDescriptor RuntimeDependentLayout = new(
        DiagnosticIds.RuntimeDependentLayout,
        title: "Shared struct layout depends on the runtime",
        messageFormat: "The layout of '{0}' is not the same in every process: {1}",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "With LayoutKind.Auto (declared on the struct, on a nested struct, or on ValueTuple and DateTimeOffset) the runtime chooses field offsets, and a different .NET version or architecture may choose differently; the compile-time layout and its fingerprint cannot know them. The generator emits nothing for such a struct, so this is an error.",
        helpLinkUri: Help(DiagnosticIds.RuntimeDependentLayout));

    /// <summary>SST0005. Args: field name (dotted path for nested fields), field type, what to use instead.</summary>
    public static readonly DiagnosticDescriptor NonPortableFieldType = new(
        DiagnosticIds.NonPortableFieldType,
        title: "Shared struct field has a .NET-specific representation",
        messageFormat: "Field '{0}' of type '{1}' has a .NET-specific representation: {2}",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "bool, char and decimal are laid out identically by every .NET process, so SharedStruct itself is fine with them: this is a note, not a warning. A program in another language (or a tool decoding the segment) may disagree about their size or encoding.",
        helpLinkUri: Help(DiagnosticIds.NonPortableFieldType));

    /// <summary>SST0015. Args: field name (dotted path for nested fields), field type, why and what to use instead.</summary>
    public static readonly DiagnosticDescriptor UnknownFieldLayout = new(
        DiagnosticIds.UnknownFieldLayout,
        title: "Shared struct field has a layout that cannot be known at compile time",
        messageFormat: "Field '{0}' of type '{1}' cannot be laid out at compile time: {2}",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator computes the payload layout at compile time. It can for structs declared in this project and for the core-library types it has a table for (DateTime, TimeSpan, Guid, DateOnly, TimeOnly, Int128, UInt128, Half, Complex, Vector2/3/4, Quaternion, Matrix4x4, Nullable of any supported type); reference assemblies hide the fields of any other struct from another assembly. The generator emits nothing for such a struct, so this is an error.",
        helpLinkUri: Help(DiagnosticIds.UnknownFieldLayout));

    /// <summary>SST0016. Args: the field, the field it overlaps, its bytes, the other's bytes.</summary>
    public static readonly DiagnosticDescriptor OverlappingFields = new(
        DiagnosticIds.OverlappingFields,
        title: "Explicit fields of a shared struct overlap",
        messageFormat: "Field '{0}' overlaps field '{1}' (bytes {2} and {3}), so writing one changes the other; give each field its own bytes unless the overlap is a deliberate union",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "[FieldOffset] lets two fields share bytes. The layout is well defined, the same in every process, and the generator emits code for it; but a guarded property of one field then silently changes the other, which is rarely meant in shared state.",
        helpLinkUri: Help(DiagnosticIds.OverlappingFields));

    /// <summary>SST0006. Args: the name, what is wrong with it.</summary>
    public static readonly DiagnosticDescriptor InvalidSegmentName = new(
        DiagnosticIds.InvalidSegmentName,
        title: "Invalid segment name",
        messageFormat: "Segment name \"{0}\" is invalid: {1}; use 1 to 64 lower-case ASCII letters, digits, '.', '-' or '_', starting with a letter or digit, without \"..\"",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: SegmentNameRules.Rule,
        helpLinkUri: Help(DiagnosticIds.InvalidSegmentName));

    /// <summary>SST0007. Args: the name, this type, the other type using the name.</summary>
    public static readonly DiagnosticDescriptor DuplicateSegmentName = new(
        DiagnosticIds.DuplicateSegmentName,
        title: "Two shared structs use the same segment name",
        messageFormat: "Segment name \"{0}\" of '{1}' is also used by '{2}'; give each struct its own name, or both would open one segment with two layouts",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A segment has one layout. Two struct types with one name would fail at run time with a layout mismatch, or worse, silently share bytes if their layouts happen to hash alike.",
        helpLinkUri: Help(DiagnosticIds.DuplicateSegmentName),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>SST0008. Args: type name, what is wrong (no data, or its size against the limit) and what to do.</summary>
    public static readonly DiagnosticDescriptor EmptyOrOversizedStruct = new(
        DiagnosticIds.EmptyOrOversizedStruct,
        title: "Shared struct is empty or too large",
        messageFormat: "'{0}' {1}",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A segment must hold at least one field of data, and at most SharedSegment.MaxPayloadSize bytes (1 GiB).",
        helpLinkUri: Help(DiagnosticIds.EmptyOrOversizedStruct));

    /// <summary>SST0009. Args: the property access (e.g. "seg.Hits"), what to use instead.</summary>
    public static readonly DiagnosticDescriptor TornUpdate = new(
        DiagnosticIds.TornUpdate,
        title: "Read-modify-write of a guarded property takes the lock twice",
        messageFormat: "'{0}' is read under one lock and written under another, so updates made by other processes in between are lost; {1}",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each get and each set of a generated segment property takes the cross-process lock once. x++ or x += n is a get followed by a set: two lock holdings with a gap between them where another process's update can be overwritten.",
        helpLinkUri: Help(DiagnosticIds.TornUpdate));

    /// <summary>SST0010. Args: the receiver expression, what to use instead.</summary>
    public static readonly DiagnosticDescriptor UnsynchronizedAccess = new(
        DiagnosticIds.UnsynchronizedAccess,
        title: "Unsynchronised access to a shared payload outside a lock",
        messageFormat: "'{0}.GetUnsynchronizedReference()' is used without holding the segment's lock, so reads can be torn and writes can race with other processes; {1}",
        category: Reliability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "GetUnsynchronizedReference returns the payload with no lock held. It is meant for Interlocked operations on aligned fields or code that coordinates by other means; suppress this warning where that is the intent.",
        helpLinkUri: Help(DiagnosticIds.UnsynchronizedAccess));

    /// <summary>SST0011. Args: the method ("Lock" or "TryLock").</summary>
    public static readonly DiagnosticDescriptor GuardNotDisposed = new(
        DiagnosticIds.GuardNotDisposed,
        title: "Lock guard is not disposed",
        messageFormat: "The guard from '{0}' is not disposed by a 'using' (or a finally block), so an exception leaves the lock held until this process exits and every other process times out; acquire it with 'using var guard = ...'",
        category: Reliability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Disposing the guard releases the cross-process lock. A discarded guard is never released; a guard disposed by a plain call is not released when an exception is thrown first.",
        helpLinkUri: Help(DiagnosticIds.GuardNotDisposed));

    /// <summary>SST0012. Args: where the timeout is given, what it does, the suggested replacement.</summary>
    public static readonly DiagnosticDescriptor NoLockTimeout = new(
        DiagnosticIds.NoLockTimeout,
        title: "Lock without a finite timeout",
        messageFormat: "The timeout of '{0}' {1}; use a finite, positive timeout such as {2}",
        category: Reliability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A holder that dies is detected and its lock taken over, but a holder that is alive and stuck (a hung or stopped process) is not. With an infinite wait every other process hangs with it; a finite timeout turns that into a TimeoutException that names the holder. A timeout the runtime rejects (TimeSpan.MaxValue or anything beyond int.MaxValue milliseconds, a negative one other than exactly -1 ms, an infinite SharedSegmentOptions.OpenTimeout) throws ArgumentOutOfRangeException every time, contended or not (for the options, when the segment is opened).",
        helpLinkUri: Help(DiagnosticIds.NoLockTimeout));

    /// <summary>SST0013. Args: the call or property access, the segment expression.</summary>
    public static readonly DiagnosticDescriptor RecursiveLock = new(
        DiagnosticIds.RecursiveLock,
        title: "Segment locked again while a guard from it is held",
        messageFormat: "'{0}' needs the lock of '{1}', which this code already holds through an enclosing guard; the lock is not recursive, so this throws instead of proceeding: use the guard's Value",
        category: Reliability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The cross-process lock is not recursive. Lock, TryLock, ReadSnapshot and the generated guarded properties all take it, so calling them while a guard from the same segment is in scope throws.",
        helpLinkUri: Help(DiagnosticIds.RecursiveLock));

    /// <summary>SST0014. Args: the call, the payload type, its size in bytes.</summary>
    public static readonly DiagnosticDescriptor LargeByValueSnapshot = new(
        DiagnosticIds.LargeByValueSnapshot,
        title: "By-value snapshot of a payload over 64 KiB",
        messageFormat: "'{0}' copies the {2}-byte '{1}' by value onto the stack, which a payload over 64 KiB can overflow (a stack overflow kills the process); use ReadSnapshot(ref destination, timeout) into storage you own, or Read with a callback",
        category: Reliability,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A value returned by value needs room in the caller's frame and the callee's: a payload of a few MiB overflows a thread's stack (1.5 MiB for .NET's secondary threads) before a byte is read. The generator emits no by-value snapshot API above 64 KiB; this rule covers the runtime's own SharedSegment<T> and ReadOnlySharedSegment<T>.",
        helpLinkUri: Help(DiagnosticIds.LargeByValueSnapshot));

    /// <summary>SST0017. Args: the receiver expression, the payload type.</summary>
    public static readonly DiagnosticDescriptor RollbackBypass = new(
        DiagnosticIds.RollbackBypass,
        title: "Write that bypasses a crash-atomic segment's protocol",
        messageFormat: "'{0}.GetUnsynchronizedReference()' is written outside a guard, but '{1}' is crash-atomic (RollbackOnCrash = true): made while another process holds the lock, the write lands behind that holder's backup and a rollback after a crash undoes it; write through the guard's Value inside 'using var guard = {0}.Lock()'",
        category: Correctness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A crash-atomic segment backs the payload up when a guard takes the lock, and restores that backup when it recovers the lock from a dead holder. A write through GetUnsynchronizedReference with no guard held (Interlocked included) is outside that protocol: made while another process holds the lock, it lands in the payload behind that holder's backup, snapshots and read-only views (which read the backup meanwhile) do not see it until the release, and if the holder dies the rollback discards it. The generated AddX/ExchangeX/CompareExchangeX take the lock in this mode.",
        helpLinkUri: Help(DiagnosticIds.RollbackBypass));
}
