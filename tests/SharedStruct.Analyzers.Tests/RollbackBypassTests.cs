using SharedStruct.Analyzers.Tests.Infrastructure;
using Xunit;

namespace SharedStruct.Analyzers.Tests;

/// <summary>SST0017: writes through GetUnsynchronizedReference that bypass a crash-atomic segment's commit.</summary>
public class RollbackBypassTests
{
    private static string Source(bool rollbackOnCrash, string body) => $$"""
        using System;
        using System.Threading;
        using SharedStruct;

        [SharedSegment("bank.accounts"{{(rollbackOnCrash ? ", RollbackOnCrash = true" : "")}})]
        public partial struct Accounts
        {
            public long A;
            public long B;
            public Totals Totals;
        }

        public struct Totals
        {
            public long Sum;
            public void Reset() => Sum = 0;
            public readonly long Twice() => Sum * 2;
        }

        public static class Use
        {
            public static void Run(SharedSegment<Accounts> raw, SharedSegment<Accounts> other)
            {
        {{body}}
            }
        }
        """;

    private const string Advice = "use the guard's Value inside 'using var guard = raw.Lock()', or ReadSnapshot for a consistent copy";

    private static object[] Bypass(string receiver = "raw") => [receiver, "Accounts"];

    [Fact]
    public void Fires_for_every_kind_of_write_outside_a_guard()
    {
        AnalyzerVerifier.Verify(Source(true, """
                    {|SST0017:raw.GetUnsynchronizedReference()|}.A = 1;
                    {|SST0017:raw.GetUnsynchronizedReference()|}.B += 2;
                    {|SST0017:raw.GetUnsynchronizedReference()|}.A++;
                    --{|SST0017:raw.GetUnsynchronizedReference()|}.B;
                    Interlocked.Increment(ref {|SST0017:raw.GetUnsynchronizedReference()|}.A);
                    Interlocked.Exchange(ref {|SST0017:raw.GetUnsynchronizedReference()|}.Totals.Sum, 5);
                    ref Accounts writable = ref {|SST0017:raw.GetUnsynchronizedReference()|};
                    {|SST0017:raw.GetUnsynchronizedReference()|}.Totals.Reset();
                    {|SST0017:raw.GetUnsynchronizedReference()|} = default;
                    using (other.Lock())
                    {
                        {|SST0017:raw.GetUnsynchronizedReference()|}.A = 3;
                    }
                    using (raw.Lock())
                    {
                        Action later = () => {|SST0017:raw.GetUnsynchronizedReference()|}.A = 4;
                    }
            """),
            Bypass(), Bypass(), Bypass(), Bypass(), Bypass(), Bypass(), Bypass(), Bypass(), Bypass(), Bypass(), Bypass());
    }

    [Fact]
    public void Writes_under_a_guard_of_the_same_segment_go_through_the_commit_and_raise_nothing()
    {
        AnalyzerVerifier.Verify(Source(true, """
                    using (raw.Lock())
                    {
                        raw.GetUnsynchronizedReference().A = 1;
                        Interlocked.Increment(ref raw.GetUnsynchronizedReference().B);
                    }
                    using (var guard = raw.Lock())
                    {
                        guard.Value.A++;
                        guard.Value.B++;
                    }
            """));
    }

    [Fact]
    public void Reads_outside_a_guard_are_SST0010s_not_this_rules_even_through_a_ref_readonly_parameter()
    {
        AnalyzerVerifier.Verify(Source(true, """
                    long a = {|SST0010:raw.GetUnsynchronizedReference()|}.A;
                    ref readonly Accounts view = ref {|SST0010:raw.GetUnsynchronizedReference()|};
                    long twice = {|SST0010:raw.GetUnsynchronizedReference()|}.Totals.Twice();
                    Console.WriteLine(Volatile.Read(ref {|SST0010:raw.GetUnsynchronizedReference()|}.B));
                    Volatile.Write(ref {|SST0017:raw.GetUnsynchronizedReference()|}.B, 1);
            """),
            ["raw", Advice], ["raw", Advice], ["raw", Advice], ["raw", Advice], Bypass());
    }

    [Fact]
    public void The_same_writes_in_the_default_mode_are_only_SST0010()
    {
        // The twin of the first test: without RollbackOnCrash the mode's rule must stay silent.
        AnalyzerVerifier.Verify(Source(false, """
                    {|SST0010:raw.GetUnsynchronizedReference()|}.A = 1;
                    Interlocked.Increment(ref {|SST0010:raw.GetUnsynchronizedReference()|}.A);
                    ref Accounts writable = ref {|SST0010:raw.GetUnsynchronizedReference()|};
            """),
            ["raw", Advice], ["raw", Advice], ["raw", Advice]);
    }
}
