using SharedStruct;

namespace SharedStruct.Samples.SharedNote;

/// <summary>One 100-character note shared by every running instance.</summary>
[SharedSegment("sample.note")]
public unsafe partial struct Note
{
    /// <summary>The text, NUL-terminated.</summary>
    public fixed char Text[100];

    /// <summary>Bumped by every <c>set</c>, so watchers see each change even when the text repeats.</summary>
    public long Version;

    /// <summary>The process that set the text last.</summary>
    public int AuthorPid;
}
