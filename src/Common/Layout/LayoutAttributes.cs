using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SharedStruct.Layout;

/// <summary>Reads the attributes that decide a source struct's layout, by name (no compilation needed).</summary>
internal static class LayoutAttributes
{
    // System.Runtime.InteropServices.LayoutKind values.
    public const int Sequential = 0;
    public const int Explicit = 2;
    public const int Auto = 3;

    /// <summary>Kind, Pack and Size of <c>[StructLayout]</c>; Sequential, 0, 0 without one.</summary>
    public static (int Kind, int Pack, int Size, AttributeData? Attribute) StructLayout(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!Is(attribute, "StructLayoutAttribute", "System.Runtime.InteropServices"))
                continue;
            int kind = Sequential, pack = 0, size = 0;
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is { } value)
                kind = Convert.ToInt32(value, CultureInfo.InvariantCulture);
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Value.Value is not int number)
                    continue;
                if (named.Key == "Pack")
                    pack = number;
                else if (named.Key == "Size")
                    size = number;
            }
            return (kind, pack, size, attribute);
        }
        return (Sequential, 0, 0, null);
    }

    /// <summary>The <c>[FieldOffset]</c> of a field, or null.</summary>
    public static int? FieldOffset(IFieldSymbol field)
    {
        foreach (AttributeData attribute in field.GetAttributes())
        {
            if (Is(attribute, "FieldOffsetAttribute", "System.Runtime.InteropServices")
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int offset)
                return offset;
        }
        return null;
    }

    /// <summary>The length of an <c>[InlineArray]</c> struct, or null.</summary>
    public static int? InlineArrayLength(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (Is(attribute, "InlineArrayAttribute", "System.Runtime.CompilerServices")
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int length)
                return length;
        }
        return null;
    }

    /// <summary>Whether the type carries <c>[Flags]</c>.</summary>
    public static bool IsFlags(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (Is(attribute, "FlagsAttribute", "System"))
                return true;
        }
        return false;
    }

    /// <summary>The instance fields of a type, in declaration order (backing fields of auto-properties included).</summary>
    public static IEnumerable<IFieldSymbol> InstanceFields(ITypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsConst: false } field)
                yield return field;
        }
    }

    /// <summary>The name a field has in the description and in messages: an auto-property's name for its backing field.</summary>
    public static string Name(IFieldSymbol field) =>
        field.AssociatedSymbol is IPropertySymbol property ? property.Name : field.Name;

    private static bool Is(AttributeData attribute, string name, string ns) =>
        attribute.AttributeClass is { } c && c.Name == name && c.ContainingNamespace?.ToDisplayString() == ns;
}
