namespace SharedStruct;

/// <summary>
/// Sizes the runtime, the generator and the analyzers must agree on. Linked into each of them, so the threshold a
/// generated wrapper uses is the one the runtime documents.
/// </summary>
internal static class PayloadLimits
{
    /// <summary>
    /// The largest payload (64 KiB) that gets by-value snapshot APIs from the generator and a stack copy in the runtime's
    /// <c>Read</c> helpers. A thread's stack is 1.5 MiB for .NET's secondary threads (8 MiB for the main thread on
    /// Linux) and a by-value return needs room for the value in both the callee's and the caller's frame, so a few
    /// megabytes overflow it before a byte is read. 64 KiB leaves room for deep call chains and still covers every
    /// status, counter or configuration struct; anything larger is a frame or a table, read by reference.
    /// </summary>
    public const int MaxByValueSize = 64 * 1024;
}
