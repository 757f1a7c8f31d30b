using SharedStruct;

namespace SharedStruct.EndToEnd;

/// <summary>A crash-atomic payload: the generated atomics take the lock, and the declared mode reaches the runtime.</summary>
[SharedSegment("e2e.ledger", RollbackOnCrash = true, LockTimeoutMilliseconds = 10000)]
public partial struct Ledger
{
    public long A;
    public long B;
}
