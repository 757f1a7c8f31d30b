namespace SharedStruct.Format;

/// <summary>64-bit FNV-1a, used for layout fingerprints and the header checksum.</summary>
internal static class Fnv1a
{
    public const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Add(ulong hash, byte value) => (hash ^ value) * Prime;

    public static unsafe ulong Add(ulong hash, byte* data, int length)
    {
        for (int i = 0; i < length; i++)
            hash = (hash ^ data[i]) * Prime;
        return hash;
    }
}
