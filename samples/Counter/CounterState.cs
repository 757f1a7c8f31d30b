using SharedStruct;

namespace SharedStruct.Samples.Counter;

/// <summary>The one struct every worker process shares.</summary>
[SharedSegment("sample.counter")]
public partial struct CounterState
{
    /// <summary>Incremented under the lock by every worker.</summary>
    public long Count;

    /// <summary>Workers that have finished.</summary>
    public int Finished;
}
