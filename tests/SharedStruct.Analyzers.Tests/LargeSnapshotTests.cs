using SharedStruct.Analyzers.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Analyzers.Tests;

/// <summary>SST0014: by-value snapshots of payloads over 64 KiB on the runtime types.</summary>
public class LargeSnapshotTests
{
    private const string Types = """
        using System;
        using System.Threading;
        using SharedStruct;

        public unsafe struct Frame
        {
            public long Sequence;
            public fixed byte Pixels[65536];
        }

        public unsafe struct Exactly64KiB
        {
            public fixed byte Bytes[65536];
        }

        public sealed class FrameBox
        {
            public Frame Value;
        }

        """;

    [Fact]
    public void SST0014_FiresForEveryByValueSnapshotOfAPayloadOver64KiB()
    {
        AnalyzerVerifier.Verify(Types + """
            public static class Use
            {
                public static void Run(SharedSegment<Frame> seg, ReadOnlySharedSegment<Frame> view)
                {
                    TimeSpan t = TimeSpan.FromSeconds(1);
                    Frame a = {|SST0014:seg.ReadSnapshot(t)|};
                    Frame b = {|SST0014:seg.ReadSnapshot(t, out bool torn)|};
                    Frame c = {|SST0014:seg.ReadSnapshot(t, out ulong version, out _)|};
                    Frame d = {|SST0014:view.Read()|};
                    bool ok = {|SST0014:view.TryRead(t, out Frame e)|};
                    var stream = {|SST0014:view.WatchAsync(CancellationToken.None)|};
                }
            }
            """,
            ["seg.ReadSnapshot", "Frame", 65544],
            ["seg.ReadSnapshot", "Frame", 65544],
            ["seg.ReadSnapshot", "Frame", 65544],
            ["view.Read", "Frame", 65544],
            ["view.TryRead", "Frame", 65544],
            ["view.WatchAsync", "Frame", 65544]);
    }

    [Fact]
    public void SST0014_ByReferenceCallbacksAndPayloadsUpTo64KiBDoNotFire()
    {
        // The twin: the same calls on a payload of exactly 64 KiB, and the by-reference API on the large one.
        AnalyzerVerifier.Verify(Types + """
            public static class Use
            {
                public static void Run(SharedSegment<Exactly64KiB> small, SharedSegment<Frame> seg, ReadOnlySharedSegment<Frame> view, FrameBox box)
                {
                    TimeSpan t = TimeSpan.FromSeconds(1);
                    Exactly64KiB a = small.ReadSnapshot(t);
                    seg.ReadSnapshot(ref box.Value, t);
                    view.ReadSnapshot(ref box.Value, t, out ulong version, out bool torn);
                    long s = seg.Read(static (in Frame f) => f.Sequence, t);
                    long v = view.Read(static (in Frame f) => f.Sequence, t);
                    seg.Update(static (ref Frame f) => f.Sequence++, t);
                }
            }
            """);
    }
}
