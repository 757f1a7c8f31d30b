using System.IO;

namespace SharedStruct;

/// <summary>
/// A segment could not be deleted because other processes have it open (writers or read-only readers). Deleting it
/// would strand them on a segment nobody else can find: they would keep reading data that no longer changes.
/// </summary>
public sealed class SegmentInUseException : IOException
{
    /// <summary>Creates the exception for segment <paramref name="name"/> at <paramref name="location"/>.</summary>
    public SegmentInUseException(string name, string location)
        : base($"Segment '{name}' ({location}) is in use: other processes have it open, so it was not deleted. " +
               "Close them first (`sharedstruct list` shows who uses it), or delete with force to unlink it under them.")
    {
        SegmentName = name;
    }

    /// <summary>The segment that is in use.</summary>
    public string SegmentName { get; }
}
