using System;
using System.ComponentModel;

namespace SharedStruct;

/// <summary>
/// Marks a <c>&lt;Struct&gt;Segment</c> class emitted by the SharedStruct source generator, so analyzers can tell its
/// lock-guarded properties (each get or set takes the lock once) from ordinary ones. Not for hand-written code.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedSegmentAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="payloadType">The <c>[SharedSegment]</c> struct the class wraps.</param>
    public GeneratedSegmentAttribute(Type payloadType) => PayloadType = payloadType;

    /// <summary>The <c>[SharedSegment]</c> struct the class wraps.</summary>
    public Type PayloadType { get; }
}
