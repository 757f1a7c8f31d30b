using System;

namespace SharedStruct;

/// <summary>
/// Marks a <c>partial struct</c> as the payload of a named shared memory segment. The SharedStruct source
/// generator emits <c>Open</c>, <c>CreateNew</c> and <c>OpenExisting</c> on the struct and a typed
/// <c>&lt;Struct&gt;Segment</c> wrapper with lock-guarded accessors.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SharedSegmentAttribute : Attribute
{
    /// <summary>The default lock timeout, in milliseconds, when none is given (the classic recipe's 1000 ms).</summary>
    public const int DefaultLockTimeoutMilliseconds = 1000;

    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The segment name; see <see cref="SegmentName"/> for the rule.</param>
    public SharedSegmentAttribute(string name) => Name = name;

    /// <summary>The segment name shared by every process that opens this struct.</summary>
    public string Name { get; }

    /// <summary>
    /// The timeout used by the generated guarded properties and by <c>Lock()</c> without an argument.
    /// Must be positive: an infinite wait would hang forever behind a stuck (but alive) holder.
    /// </summary>
    public int LockTimeoutMilliseconds { get; set; } = DefaultLockTimeoutMilliseconds;

    /// <summary>
    /// Crash-atomic critical sections: a holder that dies mid-update has its writes rolled back, and readers read the
    /// last committed state without waiting (see <see cref="SharedSegmentOptions.RollbackOnCrash"/>). In this mode the
    /// generated <c>AddX</c>, <c>ExchangeX</c> and <c>CompareExchangeX</c> take the lock. Every process that shares the
    /// segment must declare the same mode.
    /// </summary>
    public bool RollbackOnCrash { get; set; }
}
