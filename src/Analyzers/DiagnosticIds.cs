// Linked into SharedStruct.CodeFixes, so a fix and the rule it fixes share one spelling of the ID and property keys
// without the code fix assembly referencing the analyzer assembly.
namespace SharedStruct.Analyzers;

/// <summary>The diagnostic IDs, and the keys of the properties a diagnostic hands to its code fix.</summary>
internal static class DiagnosticIds
{
    public const string NotPartialStruct = "SST0001";
    public const string NonBlittableField = "SST0002";
    public const string PerProcessValue = "SST0003";
    public const string RuntimeDependentLayout = "SST0004";
    public const string NonPortableFieldType = "SST0005";
    public const string InvalidSegmentName = "SST0006";
    public const string DuplicateSegmentName = "SST0007";
    public const string EmptyOrOversizedStruct = "SST0008";
    public const string TornUpdate = "SST0009";
    public const string UnsynchronizedAccess = "SST0010";
    public const string GuardNotDisposed = "SST0011";
    public const string NoLockTimeout = "SST0012";
    public const string RecursiveLock = "SST0013";
    public const string LargeByValueSnapshot = "SST0014";
    public const string UnknownFieldLayout = "SST0015";
    public const string OverlappingFields = "SST0016";
    public const string RollbackBypass = "SST0017";

    /// <summary>SST0001: why the declaration is rejected (a <see cref="NotPartialReasons"/> value).</summary>
    public const string ReasonKey = "Reason";

    /// <summary>SST0002: "string" when the field is a string (the fix turns it into a fixed char buffer).</summary>
    public const string FieldKindKey = "FieldKind";

    /// <summary>SST0009: the name of the lock-free AddX method when one exists for the property.</summary>
    public const string AddMethodKey = "AddMethod";

    /// <summary>SST0011: "Discarded", "Local" or "OutArgument".</summary>
    public const string GuardUseKey = "GuardUse";

    /// <summary>SST0012: "Argument" or "Attribute".</summary>
    public const string TimeoutSiteKey = "TimeoutSite";
}

/// <summary>Values of <see cref="DiagnosticIds.ReasonKey"/>.</summary>
internal static class NotPartialReasons
{
    public const string NotPartial = "NotPartial";
    public const string ContainingTypeNotPartial = "ContainingTypeNotPartial";
    public const string Other = "Other";
}
