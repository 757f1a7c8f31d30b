using System;

namespace SharedStruct;

/// <summary>
/// The identity of a payload layout: a 64-bit fingerprint and a canonical text description. Both are stored in the
/// segment header; opening a segment with a different fingerprint or payload size fails instead of reusing it.
/// The source generator computes both at compile time.
/// </summary>
public readonly struct SegmentLayout : IEquatable<SegmentLayout>
{
    /// <summary>Creates a layout identity.</summary>
    /// <param name="fingerprint">A hash of <paramref name="description"/>; must not be zero.</param>
    /// <param name="description">
    /// A canonical description (one field per line) that tools can use to decode the payload without the assembly.
    /// </param>
    public SegmentLayout(ulong fingerprint, string description)
    {
        if (fingerprint == 0)
            throw new ArgumentOutOfRangeException(nameof(fingerprint), "A layout fingerprint must not be zero.");
        Fingerprint = fingerprint;
        _description = description ?? throw new ArgumentNullException(nameof(description));
    }

    /// <summary>The layout fingerprint.</summary>
    public ulong Fingerprint { get; }

    /// <summary>The canonical layout description.</summary>
    public string Description => _description ?? string.Empty;

    private readonly string? _description;

    /// <summary>Computes the fingerprint of a layout description, the one the generator uses.</summary>
    /// <remarks>
    /// For a canonical description (it starts with <c>sharedstruct-layout</c>) the 64-bit FNV-1a hash covers the
    /// struct line without the struct's name and every <c>field</c> line (names, types, offsets, sizes, nested fields
    /// flattened): the same fields declared in another namespace, or under another type name, give the same
    /// fingerprint, so programs built apart share a segment. Other lines are annotations for tools and are not
    /// hashed. Any other text is hashed whole.
    /// </remarks>
    public static ulong ComputeFingerprint(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        return Format.LayoutFingerprint.Compute(description);
    }

    /// <inheritdoc/>
    public bool Equals(SegmentLayout other) => Fingerprint == other.Fingerprint && Description == other.Description;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SegmentLayout other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Fingerprint.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(SegmentLayout left, SegmentLayout right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SegmentLayout left, SegmentLayout right) => !left.Equals(right);
}
