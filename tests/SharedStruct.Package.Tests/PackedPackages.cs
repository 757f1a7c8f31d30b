using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

[assembly: AssemblyFixture(typeof(SharedStruct.Tests.PackedPackages))]

namespace SharedStruct.Tests;

/// <summary>
/// One pack of the three packages for every test in this assembly, into a temporary folder that also holds the
/// package cache, the temporary files and the installed tools of everything the tests run; all of it is removed when
/// the tests end.
/// </summary>
public sealed partial class PackedPackages : IDisposable
{
    /// <summary>The pack command of README's Quick start; the tests add <c>--no-build</c> (the test project's build built everything) and their own folder.</summary>
    public const string PackCommand = "dotnet pack nuget/SharedStruct.Package.csproj -c Release";

    public static readonly string RepoRoot = FindRepoRoot();

    private readonly TempDirectory _work = new();

    public PackedPackages()
    {
        try
        {
            Runner = new DotnetRunner(_work.File("tmp"), PackageCache);
            Feed = Directory.CreateDirectory(_work.File("packages")).FullName;
            Runner.Run(RepoRoot, "dotnet", PackCommand["dotnet ".Length..] + $" --no-build -o \"{Feed}\"");
            Version = VersionOf(Feed);
            // Hand-written consumer projects live below a NuGet.config that adds the packed folder to what restore
            // normally uses (no <clear/>). The Quick start's app lives elsewhere: it must work with its own config.
            Consumers = NewFolder("consumers");
            File.WriteAllText(Path.Combine(Consumers, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="sharedstruct-test" value="{Feed}" />
                  </packageSources>
                </configuration>
                """);
        }
        catch
        {
            _work.Dispose();
            throw;
        }
    }

    /// <summary>The folder the packages were packed into: the local feed.</summary>
    public string Feed { get; }

    /// <summary>The version all three packages were packed with.</summary>
    public string Version { get; }

    public DotnetRunner Runner { get; }

    /// <summary>The folder of hand-written consumer projects, whose NuGet.config adds <see cref="Feed"/>.</summary>
    public string Consumers { get; }

    /// <summary>The NuGet package cache of everything the tests run (NUGET_PACKAGES).</summary>
    public string PackageCache => _work.File("nuget-cache");

    /// <summary>A new empty folder inside the temporary one.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(_work.File(name)).FullName;

    /// <summary>
    /// A new project in <see cref="Consumers"/> as <c>dotnet new console</c> makes it, plus <c>AllowUnsafeBlocks</c>
    /// and the given package references (the packed version where none is given).
    /// </summary>
    public string CreateConsumer(string name, string program, params (string Id, string? Version)[] packages)
    {
        string dir = Directory.CreateDirectory(Path.Combine(Consumers, name)).FullName;
        string references = string.Join("\n", packages.Select(p => $"    <PackageReference Include=\"{p.Id}\" Version=\"{p.Version ?? Version}\" />"));
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public void Dispose() => _work.Dispose();

    /// <summary>The version of the SharedStruct package in <paramref name="feed"/>, which must hold exactly one.</summary>
    public static string VersionOf(string feed)
    {
        string[] core = Directory.GetFiles(feed, "SharedStruct.*.nupkg")
            .Select(Path.GetFileName)
            .Select(name => CorePackageName().Match(name!))
            .Where(m => m.Success)
            .Select(m => m.Groups["version"].Value)
            .ToArray();
        return Assert.Single(core);
    }

    [GeneratedRegex(@"^SharedStruct\.(?<version>\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex CorePackageName();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharedStruct.sln")))
                return dir.FullName;
        throw new InvalidOperationException("the repository root (SharedStruct.sln) was not found above the test's folder");
    }
}
