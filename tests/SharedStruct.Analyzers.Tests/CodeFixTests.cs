using System.Threading.Tasks;
using SharedStruct.Analyzers.Tests.Infrastructure;
using SharedStruct.CodeFixes;
using Xunit;

namespace SharedStruct.Analyzers.Tests;

public class CodeFixTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using SharedStruct;
        using Demo;

        """;

    // ---------------------------------------------------------------- SST0001

    [Fact]
    public Task AddPartial_AddsPartialBeforeTheStructKeyword() =>
        CodeFixVerifier.VerifyAsync<AddPartialCodeFix>(Usings + """
            [SharedSegment("demo.a")]
            public struct {|SST0001:A|} { public int X; }

            [SharedSegment("demo.b")]
            struct {|SST0001:B|} { public int X; }

            [SharedSegment("demo.c")]
            public readonly struct {|SST0001:C|} { public readonly int X; }
            """, Usings + """
            [SharedSegment("demo.a")]
            public partial struct A { public int X; }

            [SharedSegment("demo.b")]
            partial struct B { public int X; }

            [SharedSegment("demo.c")]
            public readonly partial struct C { public readonly int X; }
            """);

    [Fact]
    public Task AddPartial_MakesContainingTypesPartial() =>
        CodeFixVerifier.VerifyAsync<AddPartialCodeFix>(Usings + """
            public class Outer
            {
                public partial class Middle
                {
                    [SharedSegment("demo.inner")]
                    public partial struct {|SST0001:Inner|} { public int X; }
                }
            }
            """, Usings + """
            public partial class Outer
            {
                public partial class Middle
                {
                    [SharedSegment("demo.inner")]
                    public partial struct Inner { public int X; }
                }
            }
            """);

    [Fact]
    public Task AddPartial_NotOfferedForAGenericStruct() =>
        CodeFixVerifier.VerifyNoFixAsync<AddPartialCodeFix>(Usings + """
            [SharedSegment("demo.g")]
            public partial struct {|SST0001:G|}<T> where T : unmanaged { public T X; }
            """);

    // ---------------------------------------------------------------- SST0002

    [Fact]
    public Task FixedCharBuffer_ReplacesStringFieldsAndMakesTheStructUnsafe() =>
        CodeFixVerifier.VerifyAsync<FixedCharBufferCodeFix>(Usings + """
            [SharedSegment("demo.person")]
            public partial struct Person
            {
                public int Age;
                public string {|SST0002:Name|};
                /// <summary>Shown to users.</summary>
                public readonly string {|SST0002:Nick|};
                string {|SST0002:First|}, {|SST0002:Last|};
            }
            """, Usings + """
            [SharedSegment("demo.person")]
            public unsafe partial struct Person
            {
                public int Age;
                public fixed char Name[64];
                /// <summary>Shown to users.</summary>
                public fixed char Nick[64];
                fixed char First[64], Last[64];
            }
            """);

    [Fact]
    public Task FixedCharBuffer_FixAllInOneStruct() =>
        CodeFixVerifier.VerifyFixAllAsync<FixedCharBufferCodeFix>(Usings + """
            [SharedSegment("demo.person")]
            public partial struct Person
            {
                public string {|SST0002:Name|};
                public string {|SST0002:City|};
            }

            [SharedSegment("demo.place")]
            public unsafe partial struct Place
            {
                public string {|SST0002:Label|};
            }
            """, Usings + """
            [SharedSegment("demo.person")]
            public unsafe partial struct Person
            {
                public fixed char Name[64];
                public fixed char City[64];
            }

            [SharedSegment("demo.place")]
            public unsafe partial struct Place
            {
                public fixed char Label[64];
            }
            """);

    [Fact]
    public Task FixedCharBuffer_NotOfferedForOtherReferencesOrReadOnlyStructs() =>
        CodeFixVerifier.VerifyNoFixAsync<FixedCharBufferCodeFix>(Usings + """
            [SharedSegment("demo.a")]
            public partial struct A
            {
                public object {|SST0002:Tag|};
                public int[] {|SST0002:Scores|};
                public string {|SST0002:Title|} { get; set; }
            }

            [SharedSegment("demo.b")]
            public readonly partial struct B
            {
                public readonly string {|SST0002:Name|};
            }
            """);

    // ---------------------------------------------------------------- SST0011

    [Fact]
    public Task UsingGuard_AddsUsingToTheDeclarationAndDropsThePlainDispose() =>
        CodeFixVerifier.VerifyAsync<UsingGuardCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg)
                {
                    // take the lock
                    var g = {|SST0011:seg.Lock(TimeSpan.FromSeconds(1))|};
                    g.Value.Hits = 1;
                    g.Dispose();
                }
            }
            """, Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg)
                {
                    // take the lock
                    using var g = seg.Lock(TimeSpan.FromSeconds(1));
                    g.Value.Hits = 1;
                }
            }
            """, TestCompilation.CounterFiles);

    [Fact]
    public Task UsingGuard_KeepsADiscardedGuardInAUsingDeclaration() =>
        CodeFixVerifier.VerifyAsync<UsingGuardCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg, SharedSegment<Counter> raw, long guard)
                {
                    {|SST0011:seg.Lock()|};
                    _ = {|SST0011:raw.Lock()|};
                }
            }
            """, Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg, SharedSegment<Counter> raw, long guard)
                {
                    using var guard2 = seg.Lock();
                    using var guard3 = raw.Lock();
                }
            }
            """, TestCompilation.CounterFiles);

    [Fact]
    public Task UsingGuard_NotOfferedForTryLockOrAnEmbeddedStatement() =>
        CodeFixVerifier.VerifyNoFixAsync<UsingGuardCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(SharedSegment<Counter> raw, bool b)
                {
                    raw.TryLock(TimeSpan.FromSeconds(1), {|SST0011:out var g|});
                    if (b)
                        {|SST0011:raw.Lock()|};
                }
            }
            """, TestCompilation.CounterFiles);

    // ---------------------------------------------------------------- SST0009

    [Fact]
    public Task UseAddMethod_RewritesIncrementsAndAdditions() =>
        CodeFixVerifier.VerifyAsync<UseAddMethodCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg, long n, int k)
                {
                    {|SST0009:seg.Hits++|};
                    {|SST0009:++seg.Hits|};
                    {|SST0009:seg.Hits += n|};
                    {|SST0009:seg.Hits -= n * 2|};
                    {|SST0009:seg.Hits = seg.Hits + 5|};
                    {|SST0009:seg.Hits = k + seg.Hits|};
                    {|SST0009:seg.Flags--|}; // count down
                    {|SST0009:seg.Bytes += 3|};
                }
            }
            """, Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg, long n, int k)
                {
                    seg.AddHits(1);
                    seg.AddHits(1);
                    seg.AddHits(n);
                    seg.AddHits(-(n * 2));
                    seg.AddHits(5);
                    seg.AddHits(k);
                    seg.AddFlags(-1); // count down
                    seg.AddBytes(3);
                }
            }
            """, TestCompilation.CounterFiles);

    [Fact]
    public Task UseAddMethod_FixAll() =>
        CodeFixVerifier.VerifyFixAllAsync<UseAddMethodCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg)
                {
                    {|SST0009:seg.Hits++|};
                    {|SST0009:seg.Flags += 2|};
                }
            }
            """, Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg)
                {
                    seg.AddHits(1);
                    seg.AddFlags(2);
                }
            }
            """, TestCompilation.CounterFiles);

    [Fact]
    public Task UseAddMethod_NotOfferedWithoutAnAddMethodOrWhenTheValueIsUsed() =>
        CodeFixVerifier.VerifyNoFixAsync<UseAddMethodCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(CounterSegment seg)
                {
                    {|SST0009:seg.Ratio++|};
                    long old = {|SST0009:seg.Flags++|};
                    {|SST0009:seg.Bytes--|};
                }
            }
            """, TestCompilation.CounterFiles);

    // ---------------------------------------------------------------- SST0012

    [Fact]
    public Task FiniteTimeout_ReplacesInfiniteArgumentsAndAttributeValues() =>
        CodeFixVerifier.VerifyAsync<FiniteTimeoutCodeFix>(Usings + """
            [SharedSegment("demo.slow", LockTimeoutMilliseconds = {|SST0012:-1|})]
            public partial struct Slow { public int X; }

            public static class Use
            {
                public static void Run(CounterSegment seg, SharedSegment<Counter> raw)
                {
                    using (seg.Lock({|SST0012:Timeout.InfiniteTimeSpan|})) { }
                    if (raw.TryLock({|SST0012:TimeSpan.FromMilliseconds(-1)|}, out var g)) { using (g) { } }
                    var options = new SharedSegmentOptions { LockTimeout = {|SST0012:Timeout.InfiniteTimeSpan|} };
                }
            }
            """, Usings + """
            [SharedSegment("demo.slow", LockTimeoutMilliseconds = 1000)]
            public partial struct Slow { public int X; }

            public static class Use
            {
                public static void Run(CounterSegment seg, SharedSegment<Counter> raw)
                {
                    using (seg.Lock(TimeSpan.FromSeconds(1))) { }
                    if (raw.TryLock(TimeSpan.FromSeconds(1), out var g)) { using (g) { } }
                    var options = new SharedSegmentOptions { LockTimeout = TimeSpan.FromSeconds(1) };
                }
            }
            """, TestCompilation.CounterFiles);

    [Fact]
    public Task FiniteTimeout_ReplacesTimeoutsTheRuntimeRejects() =>
        CodeFixVerifier.VerifyFixAllAsync<FiniteTimeoutCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(SharedSegment<Counter> raw)
                {
                    using (raw.Lock({|SST0012:TimeSpan.MaxValue|})) { }
                    if (raw.TryLock({|SST0012:TimeSpan.FromMilliseconds(-5)|}, out var g)) { using (g) { } }
                    var options = new SharedSegmentOptions { LockTimeout = {|SST0012:TimeSpan.MinValue|} };
                    var open = new SharedSegmentOptions { OpenTimeout = {|SST0012:TimeSpan.MaxValue|} };
                }
            }
            """, Usings + """
            public static class Use
            {
                public static void Run(SharedSegment<Counter> raw)
                {
                    using (raw.Lock(TimeSpan.FromSeconds(1))) { }
                    if (raw.TryLock(TimeSpan.FromSeconds(1), out var g)) { using (g) { } }
                    var options = new SharedSegmentOptions { LockTimeout = TimeSpan.FromSeconds(1) };
                    var open = new SharedSegmentOptions { OpenTimeout = TimeSpan.FromSeconds(1) };
                }
            }
            """, TestCompilation.CounterFiles);

    [Fact]
    public Task FiniteTimeout_FixAll() =>
        CodeFixVerifier.VerifyFixAllAsync<FiniteTimeoutCodeFix>(Usings + """
            public static class Use
            {
                public static void Run(SharedSegment<Counter> raw)
                {
                    using (raw.Lock({|SST0012:Timeout.InfiniteTimeSpan|})) { }
                    Counter copy = raw.ReadSnapshot({|SST0012:Timeout.InfiniteTimeSpan|});
                }
            }
            """, Usings + """
            public static class Use
            {
                public static void Run(SharedSegment<Counter> raw)
                {
                    using (raw.Lock(TimeSpan.FromSeconds(1))) { }
                    Counter copy = raw.ReadSnapshot(TimeSpan.FromSeconds(1));
                }
            }
            """, TestCompilation.CounterFiles);
}
