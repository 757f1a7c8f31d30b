using System;
using System.Globalization;
using Service;
using SharedStruct;

// The service side of tests/SharedStruct.Generator.Tests/CrossBuildTests.cs:
//   write <dir> <status> <beats> <note>   opens (or creates) e2e.health and writes every field; prints created|opened
if (args.Length != 5 || args[0] != "write")
{
    Console.Error.WriteLine("usage: write <directory> <status> <beats> <note>");
    return 2;
}
using HealthSegment segment = Health.Open(new SharedSegmentOptions { Directory = args[1] });
using (SegmentGuard<Health> guard = segment.Lock())
{
    guard.Value.Status = int.Parse(args[2], CultureInfo.InvariantCulture);
    guard.Value.Beats = long.Parse(args[3], CultureInfo.InvariantCulture);
    guard.Value.Load = new Load { One = 0.5f, Five = 1.25f };
}
segment.Note = args[4];
Console.WriteLine(segment.IsCreator ? "created" : "opened");
return 0;
