using System;
using System.Collections.Generic;
using System.Linq;
using SharedStruct.Scenarios;
using Xunit;

namespace SharedStruct.Tests;

[Collection(ProcessCollection.Name)]
public class MultiProcessTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Two_processes_see_each_others_writes()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);

        using (var writer = ChildProcess.Start(["write", t.Name, "4242"]))
        {
            Assert.Equal("written", writer.ReadLine());
            Assert.Equal(0, writer.WaitForExit());
        }
        using (var g = seg.Lock(Second))
        {
            Assert.Equal(4242, g.Value.Value);
            g.Value.Value = 777;
        }
        using var reader = ChildProcess.Start(["read", t.Name]);
        Assert.Equal("value=777", reader.ReadLine());
        Assert.Equal(0, reader.WaitForExit());
    }

    [Theory]
    [InlineData(4, 25_000)] // more processes than the machine's 2 cores
    [InlineData(2, 50_000)]
    public void Locked_non_atomic_increments_from_many_processes_give_the_exact_total(int processes, int perProcess)
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        var workers = new List<ChildProcess>();
        try
        {
            for (int i = 0; i < processes; i++)
                workers.Add(ChildProcess.Start(["increment", t.Name, perProcess.ToString()]));
            foreach (ChildProcess w in workers)
                Assert.Equal("ready", w.ReadLine());
            foreach (ChildProcess w in workers)
                w.Send("go");
            foreach (ChildProcess w in workers)
            {
                Assert.Equal("done abandoned=0", w.ReadLine(TimeSpan.FromMinutes(2)));
                Assert.Equal(0, w.WaitForExit());
            }
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }

        using var g = seg.Lock(Second);
        Assert.Equal((long)processes * perProcess, g.Value.Value);
        Assert.Equal(g.Value.Value, g.Value.Shadow);
    }

    [Fact]
    public void Eight_processes_racing_to_create_get_exactly_one_creator_and_all_see_its_initialisation()
    {
        using var t = new TestSegment();
        var racers = new List<ChildProcess>();
        try
        {
            for (int i = 0; i < 8; i++)
                racers.Add(ChildProcess.Start(["race-create", t.Name, (100 + i).ToString()]));
            foreach (ChildProcess r in racers)
                Assert.Equal("ready", r.ReadLine());
            foreach (ChildProcess r in racers)
                r.Send("go");
            var results = racers.Select(r => r.Expect("creator=")).ToList();
            foreach (ChildProcess r in racers)
                Assert.Equal(0, r.WaitForExit());

            List<string> creators = results.Where(r => r.StartsWith("creator=True", StringComparison.Ordinal)).ToList();
            Assert.Single(creators);
            string creatorToken = creators[0].Split(' ')[1]; // "init=10x"
            Assert.All(results, r => Assert.EndsWith($"{creatorToken} value=1000", r));
        }
        finally
        {
            racers.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public void Processes_in_different_sessions_and_process_groups_share_the_lock()
    {
        using var t = new TestSegment();
        using var seg = SharedSegment<TestPayload>.Open(t.Name);
        using var inOtherSession = ChildProcess.Start(["increment", t.Name, "20000"], newSession: true);
        using var inThisSession = ChildProcess.Start(["increment", t.Name, "20000"]);
        Assert.Equal("ready", inOtherSession.ReadLine());
        Assert.Equal("ready", inThisSession.ReadLine());
        inOtherSession.Send("go");
        inThisSession.Send("go");
        Assert.Equal("done abandoned=0", inOtherSession.ReadLine());
        Assert.Equal("done abandoned=0", inThisSession.ReadLine());
        using var g = seg.Lock(Second);
        Assert.Equal(40_000, g.Value.Value);
    }
}
