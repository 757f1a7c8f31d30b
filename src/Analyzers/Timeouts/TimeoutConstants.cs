using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SharedStruct.Analyzers.Usage;

namespace SharedStruct.Analyzers.Timeouts;

/// <summary>What a constant timeout expression means to the runtime's check (<c>SegmentCore.CheckTimeout</c>).</summary>
internal enum TimeoutClass
{
    /// <summary>Not a constant this analyzer reads, or a valid finite timeout.</summary>
    FiniteOrUnknown,
    Infinite,
    MaxValue,
    TooLong,
    Negative,
    NotFinite,
}

/// <summary>Reads constant TimeSpan expressions: fields, <c>FromX(constant)</c> calls and constructors.</summary>
internal sealed class TimeoutConstants
{
    private const double InfiniteTicks = -10_000; // Timeout.InfiniteTimeSpan: -1 ms

    // The runtime's limit (SegmentCore.CheckTimeout): int.MaxValue whole milliseconds, the most its waits can take.
    private const double MaxTimeoutTicks = int.MaxValue * 10_000d + 9_999;

    private readonly KnownSymbols _known;

    public TimeoutConstants(KnownSymbols known) => _known = known;

    public TimeoutClass Classify(IOperation value)
    {
        IOperation? stripped = GuardScopes.Strip(value);
        if (IsTimeSpanField(stripped, "MaxValue"))
            return TimeoutClass.MaxValue;
        if (TicksOf(stripped) is not { } ticks)
            return TimeoutClass.FiniteOrUnknown;
        if (double.IsNaN(ticks) || double.IsInfinity(ticks))
            return TimeoutClass.NotFinite;
        if (ticks == InfiniteTicks)
            return TimeoutClass.Infinite;
        if (ticks > MaxTimeoutTicks)
            return TimeoutClass.TooLong;
        return ticks < 0 ? TimeoutClass.Negative : TimeoutClass.FiniteOrUnknown;
    }

    private bool IsTimeSpanField(IOperation? operation, string name) =>
        operation is IFieldReferenceOperation field
        && field.Field.Name == name
        && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _known.TimeSpan);

    /// <summary>The value in ticks (NaN or infinity for a non-finite argument), or null when it is not a constant.</summary>
    private double? TicksOf(IOperation? operation)
    {
        switch (operation)
        {
            case IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } field
                when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, _known.Timeout):
                return InfiniteTicks;
            case IFieldReferenceOperation { Field.Name: "Zero" } when IsTimeSpanField(operation, "Zero"):
                return 0;
            case IFieldReferenceOperation { Field.Name: "MinValue" } when IsTimeSpanField(operation, "MinValue"):
                return long.MinValue;
            case IInvocationOperation { TargetMethod.IsStatic: true } call
                when SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _known.TimeSpan):
                double unit = call.TargetMethod.Name switch
                {
                    "FromTicks" => 1,
                    "FromMicroseconds" => 10,
                    "FromMilliseconds" => 1e4,
                    "FromSeconds" => 1e7,
                    "FromMinutes" => 60e7,
                    "FromHours" => 3600e7,
                    "FromDays" => 86400e7,
                    _ => 0,
                };
                // .NET 9 added FromMilliseconds(long, long microseconds = 0) and the like: only the first
                // argument may be non-zero for this simple reading.
                if (unit == 0 || call.Arguments.Length == 0 || Constant(call.Arguments[0].Value) is not { } first)
                    return null;
                for (int i = 1; i < call.Arguments.Length; i++)
                {
                    if (Constant(call.Arguments[i].Value) is not 0d)
                        return null;
                }
                return Math.Round(first * unit);
            case IObjectCreationOperation { Constructor: { } constructor } creation
                when SymbolEqualityComparer.Default.Equals(constructor.ContainingType, _known.TimeSpan):
                double[] values = new double[creation.Arguments.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    if (Constant(creation.Arguments[i].Value) is not { } value)
                        return null;
                    values[i] = value;
                }
                return values.Length switch
                {
                    0 => 0,
                    1 => values[0],
                    3 => ((values[0] * 60 + values[1]) * 60 + values[2]) * 1e7,
                    4 => (((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1e7,
                    5 => (((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1e7 + values[4] * 1e4,
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static double? Constant(IOperation operation)
    {
        Optional<object?> constant = operation.ConstantValue;
        if (!constant.HasValue || constant.Value is null)
            return null;
        try
        {
            return Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidCastException)
        {
            return null;
        }
    }
}
