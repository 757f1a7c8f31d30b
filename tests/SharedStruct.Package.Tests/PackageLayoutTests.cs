using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>What the three packages hold and declare, read from the .nupkg files the Quick start's pack command makes.</summary>
public sealed class PackageLayoutTests(PackedPackages packed)
{
    [Fact]
    public void The_core_package_holds_the_runtime_for_both_frameworks_the_generator_analyzers_and_code_fixes_and_depends_on_nothing()
    {
        using ZipArchive zip = ZipFile.OpenRead(packed.Package("SharedStruct"));
        Assert.Equal(
            [
                "README.md",
                "analyzers/dotnet/cs/SharedStruct.Analyzers.dll",
                "analyzers/dotnet/cs/SharedStruct.CodeFixes.dll",
                "analyzers/dotnet/cs/SharedStruct.Generator.dll",
                "lib/net10.0/SharedStruct.Runtime.dll",
                "lib/net10.0/SharedStruct.Runtime.xml",
                "lib/net8.0/SharedStruct.Runtime.dll",
                "lib/net8.0/SharedStruct.Runtime.xml",
            ],
            Content(zip));
        XElement metadata = Metadata(zip);
        Assert.Equal("SharedStruct", Value(metadata, "id"));
        Assert.Equal(packed.Version, Value(metadata, "version"));
        Assert.Empty(metadata.Descendants(metadata.Name.Namespace + "dependency"));
        AssertCommonMetadata(metadata);
    }

    [Fact]
    public void The_hosting_package_holds_its_assembly_for_both_frameworks_and_depends_on_the_core_package_at_the_same_version_and_only_on_abstractions()
    {
        using ZipArchive zip = ZipFile.OpenRead(packed.Package("SharedStruct.Extensions.Hosting"));
        Assert.Equal(
            [
                "README.md",
                "lib/net10.0/SharedStruct.Extensions.Hosting.dll",
                "lib/net10.0/SharedStruct.Extensions.Hosting.xml",
                "lib/net8.0/SharedStruct.Extensions.Hosting.dll",
                "lib/net8.0/SharedStruct.Extensions.Hosting.xml",
            ],
            Content(zip));
        XElement metadata = Metadata(zip);
        Assert.Equal(packed.Version, Value(metadata, "version"));
        XNamespace ns = metadata.Name.Namespace;
        XElement[] groups = metadata.Descendants(ns + "group").ToArray();
        Assert.Equal(["net10.0", "net8.0"], groups.Select(g => (string)g.Attribute("targetFramework")!).Order(StringComparer.Ordinal));
        foreach (XElement group in groups)
        {
            string[] dependencies = group.Elements(ns + "dependency")
                .Select(d => $"{d.Attribute("id")!.Value} {d.Attribute("version")!.Value}")
                .Order(StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(
                [
                    "Microsoft.Extensions.DependencyInjection.Abstractions 10.0.14",
                    "Microsoft.Extensions.Hosting.Abstractions 10.0.14",
                    "Microsoft.Extensions.Logging.Abstractions 10.0.14",
                    $"SharedStruct {packed.Version}",
                ],
                dependencies);
            // The core dependency brings its generator and analyzers along: a project referencing only this package
            // still gets the generated API (the hosting consumer test relies on it).
            XElement core = group.Elements(ns + "dependency").Single(d => d.Attribute("id")!.Value == "SharedStruct");
            Assert.Null(core.Attribute("exclude"));
        }
        AssertCommonMetadata(metadata);
    }

    [Fact]
    public void The_tool_package_is_a_dotnet_tool_named_sharedstruct_with_the_runtime_inside()
    {
        using ZipArchive zip = ZipFile.OpenRead(packed.Package("SharedStruct.Tool"));
        string[] content = Content(zip);
        Assert.Contains("tools/net10.0/any/sharedstruct.dll", content);
        Assert.Contains("tools/net10.0/any/SharedStruct.Runtime.dll", content);
        using (var settings = new StreamReader(zip.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open()))
            Assert.Equal("sharedstruct", XDocument.Parse(settings.ReadToEnd()).Descendants("Command").Single().Attribute("Name")!.Value);
        XElement metadata = Metadata(zip);
        Assert.Equal(packed.Version, Value(metadata, "version"));
        Assert.Equal("DotnetTool", metadata.Descendants(metadata.Name.Namespace + "packageType").Single().Attribute("name")!.Value);
        AssertCommonMetadata(metadata);
    }

    [Fact]
    public void A_pack_without_a_version_gets_a_dev_version_stamped_to_the_second_so_a_repack_is_newer_than_anything_cached()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+-dev\.\d{14}$", packed.Version);
        Assert.Equal(3, Directory.GetFiles(packed.Feed, $"*.{packed.Version}.nupkg").Length);

        // The twin: a second pack a moment later must get a different, higher version; if the stamp were fixed (or
        // the test packed with an explicit version) a stale cache could shadow it, and this would fail.
        string again = packed.NewFolder("repack");
        while (DateTime.UtcNow.ToString("yyyyMMddHHmmss") == packed.Version[^14..])
            System.Threading.Thread.Sleep(100);
        packed.Runner.Run(PackedPackages.RepoRoot, "dotnet", PackedPackages.PackCommand["dotnet ".Length..] + $" --no-build -o \"{again}\"");
        string second = PackedPackages.VersionOf(again);
        Assert.NotEqual(packed.Version, second);
        Assert.True(string.CompareOrdinal(second, packed.Version) > 0, $"{second} does not sort after {packed.Version}");
    }

    private static string[] Content(ZipArchive zip) => zip.Entries
        .Select(e => e.FullName)
        .Where(name => !name.EndsWith(".nuspec", StringComparison.Ordinal) && !name.StartsWith("_rels/", StringComparison.Ordinal)
            && !name.StartsWith("package/", StringComparison.Ordinal) && name != "[Content_Types].xml")
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static XElement Metadata(ZipArchive zip)
    {
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        XElement root = XDocument.Load(nuspec).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static string Value(XElement metadata, string name) => metadata.Element(metadata.Name.Namespace + name)!.Value;

    private static void AssertCommonMetadata(XElement metadata)
    {
        XNamespace ns = metadata.Name.Namespace;
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal("git", metadata.Element(ns + "repository")!.Attribute("type")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
    }
}
