using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using SharedStruct.Generator.Model;
using Xunit;

namespace SharedStruct.Generator.Tests;

/// <summary>
/// The pipeline's models (everything in SharedStruct.Generator.Model) are plain values: no member, constructor
/// parameter or generic argument anywhere in them is a Roslyn type, so no model can hold an ISymbol, a SyntaxNode or
/// a Compilation and defeat caching. The Roslyn-reading code lives in Parsing/.
/// </summary>
public sealed class ModelPurityTests
{
    [Fact]
    public void NoModelTypeReferencesMicrosoftCodeAnalysis()
    {
        Type[] models = typeof(SegmentModel).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(SegmentModel).Namespace && !IsCompilerGenerated(t))
            .ToArray();
        Assert.Contains(typeof(SegmentModel), models);
        Assert.Contains(typeof(MemberModel), models);
        foreach (Type model in models)
            Assert.True(RoslynReferences(model).Count == 0, $"{model.Name} references {string.Join(", ", RoslynReferences(model))}.");
    }

    [Fact]
    public void TheCheckFindsARoslynTypeHiddenInAGenericArgument()
    {
        // The twin: a model-shaped record that smuggles a symbol in through a list must be caught.
        Assert.Equal(["ISymbol"], RoslynReferences(typeof(Smuggler)).Select(t => t.Name).Distinct());
        Assert.Empty(RoslynReferences(typeof(Clean)));
    }

    private sealed record Smuggler(string Name, IReadOnlyList<ISymbol> Symbols);

    private sealed record Clean(string Name, EquatableArray<string> Items);

    /// <summary>The Roslyn types reachable from a type's members, constructors and base types, generic arguments included.</summary>
    private static List<Type> RoslynReferences(Type type)
    {
        var found = new List<Type>();
        var seen = new HashSet<Type>();
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        void Visit(Type? t)
        {
            if (t is null || !seen.Add(t))
                return;
            if (t.IsArray || t.IsByRef || t.IsPointer)
            {
                Visit(t.GetElementType());
                return;
            }
            if (t.Assembly.GetName().Name?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true)
            {
                found.Add(t);
                return;
            }
            foreach (Type argument in t.IsGenericType ? t.GetGenericArguments() : [])
                Visit(argument);
        }
        Visit(type.BaseType);
        foreach (FieldInfo field in type.GetFields(All))
            Visit(field.FieldType);
        foreach (PropertyInfo property in type.GetProperties(All))
            Visit(property.PropertyType);
        foreach (MethodBase method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
                Visit(info.ReturnType);
            foreach (ParameterInfo parameter in method.GetParameters())
                Visit(parameter.ParameterType);
        }
        return found;
    }

    private static bool IsCompilerGenerated(Type type) =>
        type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null || type.Name.Contains('<');
}
