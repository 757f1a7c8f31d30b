using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace SharedStruct.Windows.Tests;

[CollectionDefinition(Name)]
public sealed class WineCollection : ICollectionFixture<WineFixture>
{
    // One collection: the Wine tests run one after another (Wine processes are heavy on a 2-core machine) and share
    // one published child and one WINEPREFIX.
    public const string Name = "Wine";
}

/// <summary>
/// Publishes the Windows child (win-x64, self-contained) once, creates a private WINEPREFIX, and tears everything
/// down afterwards: children killed, the prefix's wineserver shut down, the temporary folder (which also holds the
/// wineserver's socket directory, via TMPDIR) removed. When Wine is missing, every test skips with the reason.
/// </summary>
public sealed class WineFixture : IAsyncLifetime
{
    public const string DefaultWine = "/usr/lib/wine/wine64";

    private readonly List<WineChild> _children = new();
    private string? _publishError;

    public string? SkipReason { get; private set; }
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sst-wine-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    public string WinePath { get; } = Environment.GetEnvironmentVariable("SHAREDSTRUCT_WINE") ?? DefaultWine;
    public string ChildExe => Path.Combine(Root, "child", "SharedStruct.Scenarios.exe");
    public string Prefix => Path.Combine(Root, "prefix");
    private string WineTemp => Path.Combine(Root, "tmp");
    public TimeSpan PublishTime { get; private set; }
    public TimeSpan PrefixTime { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            SkipReason = "The Wine tests run on Linux x64 only (they drive win-x64 processes through Wine).";
            return;
        }
        if (!File.Exists(WinePath))
        {
            SkipReason = $"Wine is not installed ({WinePath} is missing), so the Windows platform layer cannot be run here. " +
                         "Install it with 'apt-get install wine64' (.ci/run does so when it runs as root).";
            return;
        }

        Directory.CreateDirectory(WineTemp);
        var stopwatch = Stopwatch.StartNew();
        _publishError = await Task.Run(Publish);
        PublishTime = stopwatch.Elapsed;
        if (_publishError is not null)
            return;

        // The first process in a fresh prefix builds it (wineboot): seconds, not milliseconds.
        stopwatch.Restart();
        using (WineChild hello = Start("hello"))
        {
            string line = hello.ReadLine(TimeSpan.FromMinutes(3));
            if (!line.StartsWith("hello ", StringComparison.Ordinal) || !line.EndsWith(" windows", StringComparison.Ordinal))
                _publishError = "The child did not start under Wine: " + line + hello.Diagnostics();
            hello.WaitForExit(TimeSpan.FromSeconds(30));
        }
        PrefixTime = stopwatch.Elapsed;
    }

    /// <summary>Skips the calling test when Wine cannot be had; fails it when the child could not be built or started.</summary>
    public void Require()
    {
        if (SkipReason is not null)
            Assert.Skip(SkipReason);
        if (_publishError is not null)
            Assert.Fail(_publishError);
    }

    private string? Publish()
    {
        string repo = FindRepositoryRoot();
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repo,
        };
        foreach (string arg in new[]
                 {
                     "publish", Path.Combine(repo, "tests", "SharedStruct.Scenarios", "SharedStruct.Scenarios.csproj"),
                     "-r", "win-x64", "--self-contained", "-c", "Release",
                     "-o", Path.Combine(Root, "child"),
                     // Its own obj/bin: a win-x64 restore must not rewrite the solution build's project.assets.json.
                     "--artifacts-path", Path.Combine(Root, "artifacts"),
                     "--disable-build-servers", "-nologo",
                 })
            psi.ArgumentList.Add(arg);
        // The outer 'dotnet test' leaves MSBuild variables for its own nodes; a fresh build must not inherit them.
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["TMPDIR"] = WineTemp; // MSBuild's and NuGet's scratch files go where teardown finds them
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(psi)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            return "Publishing the Windows child (dotnet publish -r win-x64) did not finish within 10 minutes.";
        }
        if (process.ExitCode != 0 || !File.Exists(ChildExe))
            return $"Publishing the Windows child (dotnet publish -r win-x64 --self-contained) failed with exit code {process.ExitCode}:\n{output.Result}\n{error.Result}";
        return null;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SharedStruct.sln")))
                return d.FullName;
        }
        throw new InvalidOperationException("Cannot find SharedStruct.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>Starts the child exe under Wine with <paramref name="args"/>. Disposed (killed if running) by the fixture at the latest.</summary>
    public WineChild Start(params string[] args)
    {
        var psi = new ProcessStartInfo(WinePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ChildExe);
        foreach (string arg in args)
            psi.ArgumentList.Add(arg);
        ConfigureWine(psi);
        var child = new WineChild(Process.Start(psi)!, string.Join(' ', args));
        lock (_children)
            _children.Add(child);
        return child;
    }

    private void ConfigureWine(ProcessStartInfo psi)
    {
        psi.Environment["WINEPREFIX"] = Prefix;
        psi.Environment["WINEDEBUG"] = "-all";
        // No HTML engine to offer to install; no debugger attaching to a crashing child. Not mscoree: Wine loads
        // .NET assemblies through it, and a .NET Core app fails to load System.Runtime.dll without it.
        psi.Environment["WINEDLLOVERRIDES"] = "mshtml=;winedbg.exe=d";
        // Debian's wineserver puts its socket directory under TMPDIR: keep it inside Root.
        psi.Environment["TMPDIR"] = WineTemp;
        // A child that dies by design (the read-only write test) must not stop to write a crash dump: a test run with
        // crash collection asks every child for one, and under Wine that can outlast the test's wait.
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        psi.Environment.Remove("DOTNET_DbgMiniDumpType");
        psi.Environment.Remove("DOTNET_DbgMiniDumpName");
        psi.Environment.Remove("DISPLAY");
        psi.Environment.Remove("WAYLAND_DISPLAY");
    }

    /// <summary>A Windows path (Wine's Z: drive is the Linux root) for a Linux path.</summary>
    public static string WindowsPath(string linuxPath) => "Z:" + linuxPath.Replace('/', '\\');

    public async ValueTask DisposeAsync()
    {
        lock (_children)
        {
            foreach (WineChild child in _children)
                child.Dispose();
        }
        if (Directory.Exists(Prefix))
        {
            // Ends the prefix's wineserver and with it Wine's own service processes (services.exe, winedevice.exe, …).
            var psi = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(WinePath)!, "wineserver")) { UseShellExecute = false };
            psi.ArgumentList.Add("-k");
            ConfigureWine(psi);
            try
            {
                using Process? kill = Process.Start(psi);
                if (kill is not null)
                    await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
            {
                // Still remove the folder below; a leftover wineserver exits by itself once its directory is gone.
            }
        }
        DeleteTree(Root);
    }

    /// <summary>
    /// Deletes <paramref name="path"/> without ever following a symbolic link: a Wine prefix links dosdevices\z: to
    /// the root of the Linux file system.
    /// </summary>
    internal static void DeleteTree(string path)
    {
        var root = new DirectoryInfo(path);
        if (!root.Exists)
            return;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                DeleteContents(root);
                root.Delete();
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                // A process that just exited may still be closing files in it.
                System.Threading.Thread.Sleep(200);
            }
        }
    }

    private static void DeleteContents(DirectoryInfo directory)
    {
        foreach (FileSystemInfo entry in directory.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null || entry is FileInfo)
            {
                File.Delete(entry.FullName); // unlink: removes the link itself, never its target
            }
            else
            {
                var sub = (DirectoryInfo)entry;
                DeleteContents(sub);
                sub.Delete();
            }
        }
    }
}
