using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStruct.Generator.Tests.Infrastructure;
using SharedStruct.Tests.Roslyn;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>The pipeline caches: unrelated edits reuse every step, and no step output holds compiler objects.</summary>
public sealed class IncrementalTests
{
    private const string Payload = CounterSource.Text;


    private static readonly string[] TrackedSteps = { TrackingNames.Models, TrackingNames.ValidModels };

    [Fact]
    public void UnrelatedEditLeavesEveryStepCachedOrUnchanged()
    {
        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(
            "namespace Other; public class Unrelated { public int A; }",
            "namespace Other; public class Unrelated { public int A; public int B() => A + 1; }");

        foreach (string step in TrackedSteps)
        {
            Assert.True(second.TrackedSteps.ContainsKey(step), $"Step {step} was not tracked.");
            foreach (IncrementalGeneratorRunStep run in second.TrackedSteps[step])
            {
                foreach ((object _, IncrementalStepRunReason reason) in run.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step {step} output was {reason}.");
            }
        }
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Single(first.GeneratedSources);
    }

    [Fact]
    public void EditOfThePayloadIsNotCached()
    {
        // The control: a real change must flow through, or the test above could never fail.
        CSharpCompilation compilation = GeneratorHarness.Compilation(LanguageVersion.CSharp10, Payload);
        GeneratorDriver driver = GeneratorHarness.Driver(LanguageVersion.CSharp10, trackSteps: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        SyntaxTree old = compilation.SyntaxTrees.First();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old,
            CSharpSyntaxTree.ParseText(Payload.Replace("public int Flags;", "public uint Flags;"), (CSharpParseOptions)old.Options, old.FilePath, cancellationToken: TestContext.Current.CancellationToken));
        GeneratorRunResult second = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult().Results.Single();
        Assert.Contains(second.TrackedSteps[TrackingNames.ValidModels].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void StepOutputsHoldNoCompilerObjects()
    {
        (GeneratorRunResult first, _) = RunTwice("class A { }", "class A { int B; }");
        int visited = 0;
        foreach (string step in TrackedSteps)
        {
            foreach (IncrementalGeneratorRunStep run in first.TrackedSteps[step])
            {
                foreach ((object value, _) in run.Outputs)
                {
                    AssertNoCompilerObjects(value, $"{step}", new HashSet<object>(ReferenceEqualityComparer.Instance));
                    visited++;
                }
            }
        }
        Assert.True(visited >= 2, "No step outputs were inspected.");
    }

    [Fact]
    public void WalkerDetectsCompilerObjects()
    {
        // The control for the walk: a symbol hidden in a nested object is found.
        CSharpCompilation compilation = GeneratorHarness.Compilation(LanguageVersion.CSharp10, Payload);
        var holder = new { Inner = new[] { (object)compilation.GetTypeByMetadataName("Demo.Counter")! } };
        Assert.ThrowsAny<Exception>(() => AssertNoCompilerObjects(holder, "control", new HashSet<object>(ReferenceEqualityComparer.Instance)));
    }

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(string unrelatedBefore, string unrelatedAfter)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(LanguageVersion.CSharp10, Payload, unrelatedBefore);
        GeneratorDriver driver = GeneratorHarness.Driver(LanguageVersion.CSharp10, trackSteps: true).RunGenerators(compilation, TestContext.Current.CancellationToken);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();

        SyntaxTree old = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old,
            CSharpSyntaxTree.ParseText(unrelatedAfter, (CSharpParseOptions)old.Options, old.FilePath, cancellationToken: TestContext.Current.CancellationToken));
        driver = driver.RunGenerators(edited, TestContext.Current.CancellationToken);
        return (first, driver.GetRunResult().Results.Single());
    }

    private static void AssertNoCompilerObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null)
            return;
        Type type = value.GetType();
        Assert.False(value is ISymbol or SyntaxNode or Compilation or Location or SemanticModel or SyntaxTree,
            $"{path} holds a {type.Name}: pipeline models must be value-equatable data only.");
        if (type.IsPrimitive || type.IsEnum || value is string or decimal)
            return;
        if (!type.IsValueType && !seen.Add(value))
            return;
        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (object? item in sequence)
                AssertNoCompilerObjects(item, $"{path}[{i++}]", seen);
        }
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                    continue;
                AssertNoCompilerObjects(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }
    }
}
