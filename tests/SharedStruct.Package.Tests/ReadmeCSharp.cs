using System;
using System.Collections.Generic;
using System.Linq;

namespace SharedStruct.Tests;

/// <summary>
/// README.md's C# blocks and the test that builds each one. A ```csharp block that none of these accessors returns is
/// built by no test: <see cref="ReadmeCSharpTests"/> fails on it.
/// <list type="bullet">
/// <item><see cref="ReadmeQuickStart.ProgramBlock"/>: the Quick start's Program.cs, built by the README's own
/// <c>dotnet run</c> in <see cref="QuickStartTests"/>.</item>
/// <item><see cref="ReadmeQuickStart.Continuations"/>: lines added to that program, built with it by
/// <see cref="PackageTests"/>' consumer (<see cref="ReadmeQuickStart.ProgramContinued"/>).</item>
/// <item><see cref="Hosting"/>: the hosting section's registrations, built into <see cref="HostingPackageTests"/>' consumer
/// and run there (<see cref="HostingRegistrations"/>).</item>
/// </list>
/// </summary>
public static class ReadmeCSharp
{
    public const string HostingHeading = "## Hosting and dependency injection";

    /// <summary>The languages a README block may have; C# must be tagged "csharp", so no snippet escapes the guard as "cs".</summary>
    public static readonly IReadOnlyList<string> Languages = ["", "bash", "xml", "csharp"];

    /// <summary>The hosting section's first csharp block: statements on a <c>builder</c>, registering segments.</summary>
    public static ReadmeBlock Hosting(string readme) =>
        ReadmeBlocks.InSection(readme, HostingHeading).FirstOrDefault(b => b.Language == "csharp")
        ?? throw new FormatException($"the '{HostingHeading}' section has no csharp block");

    /// <summary>Every csharp block a test builds, by the accessors above.</summary>
    public static IReadOnlyList<ReadmeBlock> Built(string readme) =>
        [ReadmeQuickStart.ProgramBlock(readme), .. ReadmeQuickStart.Continuations(readme), Hosting(readme)];

    /// <summary>The C# blocks no test builds: csharp blocks outside <see cref="Built"/>, and blocks in a language not in <see cref="Languages"/>.</summary>
    public static IReadOnlyList<ReadmeBlock> Unbuilt(string readme)
    {
        IReadOnlyList<ReadmeBlock> built = Built(readme);
        return ReadmeBlocks.All(readme)
            .Where(b => b.Language == "csharp" ? !built.Contains(b) : !Languages.Contains(b.Language))
            .ToArray();
    }

    /// <summary>
    /// A class for a consumer that defines <c>Health</c> and references the hosting package: <c>Registrations()</c> runs
    /// the hosting block as written on a builder that is never started (the block names a <c>/shared</c> directory,
    /// which the test machine need not have) and returns each segment registration as "Lifetime Type".
    /// </summary>
    /// <remarks><c>#line</c> directives point every error in the block at its line in <paramref name="readmePath"/>.</remarks>
    public static string HostingRegistrations(string readme, string readmePath = "README.md")
    {
        ReadmeBlock block = Hosting(readme);
        return $$"""
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using SharedStruct;

            internal static class ReadmeHosting
            {
                public static IEnumerable<string> Registrations()
                {
                    var builder = Host.CreateApplicationBuilder();
            #line {{block.Line}} "{{readmePath}}"
            {{block.Text.TrimEnd('\n')}}
            #line default
                    return builder.Services
                        .Where(d => d.ServiceType == typeof(HealthSegment) || d.ServiceType == typeof(SharedSegment<Health>))
                        .Select(d => $"{d.Lifetime} {(d.ServiceType.IsGenericType ? $"{d.ServiceType.Name[..d.ServiceType.Name.IndexOf('`')]}<{d.ServiceType.GenericTypeArguments[0].Name}>" : d.ServiceType.Name)}");
                }
            }
            """;
    }
}
