namespace SharedStruct.Generator;

/// <summary>The names of the tracked pipeline steps, so tests can check each step's caching.</summary>
internal static class TrackingNames
{
    /// <summary>The attributed structs turned into models (null for invalid input).</summary>
    public const string Models = nameof(Models);

    /// <summary>The models that can be emitted (invalid input filtered out).</summary>
    public const string ValidModels = nameof(ValidModels);
}
