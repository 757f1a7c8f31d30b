using System;
using Xunit;
namespace SharedStruct.Tests;
public class SmokeTests
{
    private struct Pair { public long A; public long B; public override string ToString() => $"{A},{B}"; }

    [Fact]
    public void OpenLockWriteReopen()
    {
        string name = "sst-smoke-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var seg = SharedSegment<Pair>.Open(name))
            {
                Assert.True(seg.IsCreator);
                using (var g = seg.Lock(TimeSpan.FromSeconds(1))) { g.Value.A = 42; g.Value.B = 1; Assert.False(g.WasAbandoned); }
                using var seg2 = SharedSegment<Pair>.Open(name);
                Assert.False(seg2.IsCreator);
                using var g2 = seg2.Lock(TimeSpan.FromSeconds(1));
                Assert.Equal(42, g2.Value.A);
            }
        }
        finally { SharedSegment.Delete(name); }
    }
}
