using Microsoft.CodeAnalysis.CSharp;

namespace SharedStruct.Generator.Emit;

/// <summary>How names from the struct are written into generated code.</summary>
internal static class Identifiers
{
    /// <summary>Prefixes C# keywords with '@' so they can be used as identifiers.</summary>
    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;
}
