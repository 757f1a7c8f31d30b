namespace SharedStruct.Tests.Roslyn;

/// <summary>The <c>Demo.Counter</c> payload every Roslyn test starts from (README's quick start, plus a ulong and a double).</summary>
public static class CounterSource
{
    public const string Path = "/src/Counter.cs";

    public const string Text = """
        using SharedStruct;

        namespace Demo;

        [SharedSegment("demo.counter")]
        public unsafe partial struct Counter
        {
            public long Hits;
            public int Flags;
            public ulong Bytes;
            public double Ratio;
            public fixed char Note[100];
        }
        """;
}
