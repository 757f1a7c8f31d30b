using System;
using System.Globalization;
using System.Threading;
using SharedStruct;
using SharedStruct.Samples.SharedNote;

// SharedNote: every running instance shares one 100-character note.
//   set <text>   store the note        show   print it
//   watch        print each change (Ctrl+C to stop; --count N stops after N changes)
//   [--dir DIR]  segment directory

string? directory = null;
int count = int.MaxValue;
var words = new System.Collections.Generic.List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--dir") directory = args[++i];
    else if (args[i] == "--count") count = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else words.Add(args[i]);
}
if (words.Count == 0)
{
    Console.Error.WriteLine("usage: SharedNote set <text> | show | watch [--count N] [--dir DIR]");
    return 2;
}

using NoteSegment note = Note.Open(new SharedSegmentOptions { Directory = directory });
switch (words[0])
{
    case "set":
    {
        string text = string.Join(' ', words.GetRange(1, words.Count - 1));
        // Text, version and author change together, under one lock; the static lambda and its state allocate nothing.
        note.Update(static (ref Note n, string text) =>
        {
            n.SetText(text);
            n.Version++;
            n.AuthorPid = Environment.ProcessId;
        }, text, TimeSpan.FromSeconds(1));
        Console.WriteLine($"note set: {note.Text}");
        break;
    }
    case "show":
        // One consistent snapshot, read without the lock; the callback sees a private copy.
        Console.WriteLine(note.Read(static (in Note n) => Describe(in n)));
        break;
    case "watch":
    {
        Note last = note.ReadSnapshot(TimeSpan.FromSeconds(1), out ulong version);
        Console.WriteLine(Describe(in last));
        for (int changes = 0; changes < count;)
        {
            // Sleeps in the kernel until some process releases a change: no polling, no missed change.
            note.WaitForChange(version, Timeout.InfiniteTimeSpan);
            Note now = note.ReadSnapshot(TimeSpan.FromSeconds(1), out version);
            if (now.Version != last.Version)
            {
                Console.WriteLine(Describe(in now));
                last = now;
                changes++;
            }
        }
        break;
    }
    default:
        Console.Error.WriteLine($"unknown command '{words[0]}': use set, show or watch");
        return 2;
}
return 0;

static string Describe(in Note n) =>
    n.Version == 0 ? "note: (empty)" : $"note v{n.Version} by process {n.AuthorPid}: {n.GetText()}";
