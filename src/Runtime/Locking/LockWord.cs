namespace SharedStruct.Locking;

/// <summary>
/// The 64-bit lock word. Low 32 bits: the owner token (0 = free) and the waiters bit; the futex sleeps on this
/// half. High 32 bits: the generation, bumped by every acquire, so that lock-free readers can tell whether a write
/// happened while they copied (a sequence lock for free) and so that a recovery CAS cannot hit a later holder.
/// </summary>
internal static class LockWord
{
    public const uint Waiters = 0x8000_0000u;
    public const uint TokenMask = 0x7FFF_FFFFu;
    public const ulong GenerationMask = 0xFFFF_FFFF_0000_0000UL;
    public const ulong GenerationOne = 1UL << 32;

    // Token: bits 0..9 = process slot index + 1 (1..512), bits 10..30 = the slot's incarnation.
    public const int SlotBits = 10;
    public const uint SlotMask = (1u << SlotBits) - 1;
    public const uint IncarnationMask = (1u << 21) - 1;

    public static uint MakeToken(int slotIndex, uint incarnation) =>
        (uint)(slotIndex + 1) | ((incarnation & IncarnationMask) << SlotBits);

    public static int SlotIndex(uint token) => (int)(token & SlotMask) - 1;

    public static uint Incarnation(uint token) => (token >> SlotBits) & IncarnationMask;

    public static uint Token(ulong word) => (uint)word & TokenMask;

    public static bool IsFree(ulong word) => ((uint)word & TokenMask) == 0;

    /// <summary>The word after <paramref name="token"/> takes the lock from <paramref name="current"/>.</summary>
    public static ulong Acquired(ulong current, uint token, uint waiters) =>
        ((current & GenerationMask) + GenerationOne) | token | waiters;

    public static ulong Released(ulong held) => held & GenerationMask;
}
