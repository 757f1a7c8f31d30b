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

    /// <summary>Computes the 64-bit FNV-1a hash of a layout description, the fingerprint the generator uses.</summary>
    public static ulong ComputeFingerprint(string description)
    {
        ulong hash = Format.Fnv1a.OffsetBasis;
        foreach (char c in description)
        {
            hash = Format.Fnv1a.Add(hash, (byte)c);
            hash = Format.Fnv1a.Add(hash, (byte)(c >> 8));
        }
        return hash == 0 ? 1 : hash;
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
