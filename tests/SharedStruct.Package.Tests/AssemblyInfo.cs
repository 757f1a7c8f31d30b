using Xunit;

// Every test runs the dotnet CLI, which already keeps both cores busy; running them side by side only adds contention.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
