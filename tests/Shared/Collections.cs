using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Tests that start child processes run one at a time: on a 2-core machine, several such tests at once would turn
/// their timeouts into tests of the scheduler.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "child processes";
}
