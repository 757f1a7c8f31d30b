using System;

namespace SharedStruct.Samples.ServiceWithSidecar;

/// <summary>How many workers run, how long an item takes, and which items fail (every <c>FailEvery</c>-th, 0 for none).</summary>
public sealed record WorkerSettings(int Workers, TimeSpan ItemTime, int FailEvery);
