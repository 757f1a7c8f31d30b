using System;
using System.Diagnostics;
using Xunit;

namespace SharedStruct.Tests;

/// <summary>
/// Linux namespaces for container-like tests: a PID namespace of the child's own (it is PID 1 there, as an app in a
/// container often is) and a time namespace with shifted clocks. Needs root (CI runs as root); skips with the reason
/// otherwise.
/// </summary>
internal static class Namespaces
{
    public static readonly string[] OwnPid = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"];
    public static readonly string[] OwnTime = ["unshare", "--fork", "--kill-child", "--time", "--boottime", "100000", "--monotonic", "100000"];

    private static readonly Lazy<string?> s_problem = new(Probe);

    /// <summary>Skips the calling test when namespaces cannot be made here.</summary>
    public static void SkipUnlessAvailable()
    {
        if (s_problem.Value is string reason)
            Assert.Skip(reason);
    }

    private static string? Probe()
    {
        foreach (string[] wrapper in new[] { OwnPid, OwnTime })
        {
            try
            {
                var info = new ProcessStartInfo(wrapper[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (string a in wrapper[1..])
                    info.ArgumentList.Add(a);
                info.ArgumentList.Add("true");
                using var p = Process.Start(info)!;
                if (!p.WaitForExit(10_000) || p.ExitCode != 0)
                    return $"`{string.Join(' ', wrapper)} true` failed here ({p.StandardError.ReadToEnd().Trim()}): namespaces need root or unprivileged user namespaces.";
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return $"unshare is not available: {e.Message}";
            }
        }
        return null;
    }
}
