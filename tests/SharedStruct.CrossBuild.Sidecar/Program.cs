using System;
using System.Globalization;
using SharedStruct;
using Sidecar.Monitoring;

// The sidecar side of tests/SharedStruct.Generator.Tests/CrossBuildTests.cs:
//   read <dir>        opens the existing e2e.health and prints status|beats|note|one,five
//   read-next <dir>   opens it as HealthNext; prints the mismatch's differences, one a line, then the message
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: read|read-next <directory>");
    return 2;
}
var options = new SharedSegmentOptions { Directory = args[1] };
if (args[0] == "read-next")
{
    try
    {
        using HealthNextSegment next = HealthNext.OpenExisting(options);
        Console.WriteLine("opened");
        return 1;
    }
    catch (SegmentLayoutMismatchException mismatch)
    {
        foreach (string difference in mismatch.Differences)
            Console.WriteLine(difference);
        Console.WriteLine("stored: " + mismatch.ActualDescription?.Split('\n')[1]);
        Console.WriteLine("expected: " + mismatch.ExpectedDescription.Split('\n')[1]);
        Console.WriteLine("message: " + mismatch.Message);
        return 0;
    }
}
using HealthSegment segment = Health.OpenExisting(options);
Health value = segment.ReadSnapshot();
Averages load = value.Load;
Console.WriteLine(string.Join("|",
    value.Status.ToString(CultureInfo.InvariantCulture),
    value.Beats.ToString(CultureInfo.InvariantCulture),
    segment.Note,
    load.One.ToString(CultureInfo.InvariantCulture) + "," + load.Five.ToString(CultureInfo.InvariantCulture)));
return 0;
