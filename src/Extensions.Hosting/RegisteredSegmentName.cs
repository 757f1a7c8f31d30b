namespace SharedStruct.Extensions.Hosting;

/// <summary>
/// The segment name a registration of <typeparamref name="TSegment"/> opens, kept in the service collection so that a
/// second registration of the same type can tell a repeat (harmless) from a different segment (refused): the container
/// holds one <typeparamref name="TSegment"/>, so the second segment would otherwise be dropped without a word.
/// </summary>
/// <param name="name">The segment name; null for a generated segment, whose one name comes from its attribute.</param>
internal sealed class RegisteredSegmentName<TSegment>(string? name)
{
    public string? Name { get; } = name;
}
