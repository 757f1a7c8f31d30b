using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStruct.Generator.Tests.Infrastructure;
using SharedStruct.Tests.Roslyn;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// The generated code for representative structs, pinned as snapshots. Every case also compiles the output against
/// the real runtime at C# 10 with nullable, XML-doc diagnostics and every warning on.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void SimpleStruct()
    {
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, CounterSource.Text);
        Snapshot.Verify(result);
    }

    [Fact]
    public void CoreLibraryTypes()
    {
        // The same guarded property as a primitive's: one lock, one copy of the field.
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using System;
            using System.Numerics;
            using SharedStruct;

            namespace Core;

            [SharedSegment("core.values")]
            public partial struct Values
            {
                public DateTime When;
                public Guid Id;
                public Vector3 Position;
                public int? Count;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void RollbackOnCrash()
    {
        // The crash-atomic mode: Open passes the declared mode, and the atomics take the lock instead of Interlocked.
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using SharedStruct;

            namespace Bank;

            [SharedSegment("bank.accounts", RollbackOnCrash = true)]
            public partial struct Accounts
            {
                public long A;
                public long B;
                public volatile int Generation;
                public uint Flags;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void EveryFieldKind()
    {
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using System;
            using SharedStruct;

            namespace Kinds;

            public enum Color : byte { Red, Green }

            [Flags]
            public enum Access : ulong { None = 0, Read = 1 }

            public struct Vector
            {
                public float X;
                public float Y;
            }

            [SharedSegment("kinds.all", LockTimeoutMilliseconds = 250)]
            public unsafe partial struct AllKinds
            {
                public bool Flag;
                public char Letter;
                public sbyte Int8;
                public byte UInt8;
                public short Int16;
                public ushort UInt16;
                public int Int32;
                public uint UInt32;
                public long Int64;
                public ulong UInt64;
                public float Single;
                public double Double;
                public decimal Money;
                public Color Color;
                public Access Access;
                public Vector Position;
                public fixed char Title[16];
                public fixed byte Bytes[8];
                public fixed int Samples[4];
                public volatile int Generation;
                [Obsolete("kept for old readers")]
                public int Legacy;
                internal int InternalCount;
                private int _hidden;
                public int Hidden => _hidden;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void InlineArrayField()
    {
        // Declaring an [InlineArray] type needs C# 12; the generated code itself uses nothing newer than C# 10.
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp12, """
            using System.Runtime.CompilerServices;
            using SharedStruct;

            namespace Arrays;

            [InlineArray(4)]
            public struct Four
            {
                private int _element;
            }

            public struct Cell
            {
                public short Row;
                public short Column;
            }

            [InlineArray(2)]
            public struct TwoCells
            {
                private Cell _element;
            }

            [SharedSegment("arrays.table")]
            public partial struct Table
            {
                public byte Version;
                public Four Counts;
                public TwoCells Cells;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void NamespacesNestedTypesAndGlobalNamespace()
    {
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10,
            """
            using SharedStruct;

            namespace Outer.Inner
            {
                public static partial class Registry
                {
                    internal partial record Holder
                    {
                        [SharedSegment("nested.state")]
                        public partial struct State
                        {
                            public int Value;
                        }
                    }
                }
            }
            """,
            """
            using SharedStruct;

            [SharedSegment("global.state")]
            public partial struct GlobalState
            {
                public long Ticks;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void InternalAndPublic()
    {
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using SharedStruct;

            namespace Access;

            [SharedSegment("access.public")]
            public partial struct PublicState { public int Value; }

            [SharedSegment("access.internal")]
            internal partial struct InternalState { public int Value; }

            [SharedSegment("access.implicit")]
            partial struct ImplicitState { public int Value; }

            public partial class Host
            {
                [SharedSegment("access.private")]
                private partial struct PrivateState { public int Value; }
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void ReadonlyFields()
    {
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using SharedStruct;

            namespace Readonly;

            [SharedSegment("readonly.mixed")]
            public unsafe partial struct Mixed
            {
                public readonly long Id;
                public readonly int Version;
                public long Counter;
                public fixed char Label[8];

                public Mixed(long id, int version) { Id = id; Version = version; Counter = 0; }
            }

            [SharedSegment("readonly.all")]
            public readonly partial struct AllReadonly
            {
                public readonly int A;
                public readonly double B;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void RecordStruct()
    {
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using SharedStruct;

            namespace Records;

            [SharedSegment("records.point")]
            public partial record struct Point(int X, int Y)
            {
                public long Stamp = 0;
            }

            [SharedSegment("records.frozen")]
            public readonly partial record struct Frozen(int A, long B);
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void NameCollisions()
    {
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using SharedStruct;

            namespace Collide;

            [SharedSegment("collide.names")]
            public unsafe partial struct Clash
            {
                public int Lock;
                public int Value;
                public int Open;
                public int Name;
                public int Segment;
                public int Dispose;
                public int ClashSegment;
                public int AddHits;
                public long Hits;
                public fixed byte Buffer[4];
                public int ReadBuffer;
                public int @class;
                public int OpenField;
                public int _segment;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void LargePayload()
    {
        // Over 64 KiB: no by-value snapshot, no WatchAsync, and no by-value property for the 80,000-byte field.
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using SharedStruct;

            namespace Large;

            public unsafe struct Block
            {
                public fixed int Cells[20000];
            }

            [SharedSegment("large.frame")]
            public unsafe partial struct Frame
            {
                public long Sequence;
                public fixed byte Pixels[70000];
                public Block Table;
            }
            """);
        Snapshot.Verify(result);
    }

    [Fact]
    public void StructHelperNames()
    {
        // A helper whose name the struct already uses is skipped; so is the later of two helpers with one name.
        GeneratorRunResult result = GeneratorHarness.RunAndCompile(LanguageVersion.CSharp10, """
            using System;
            using SharedStruct;

            namespace Helpers;

            [SharedSegment("helpers.names")]
            public unsafe partial struct Named
            {
                public fixed char Title[8];
                public fixed byte Data[4];
                public fixed char XSpan[4];
                public fixed byte GetX[2];
                public fixed char @event[3];

                public string GetTitle() => "mine";
                public int DataSpan => 0;
            }
            """);
        Snapshot.Verify(result);
    }
}
