using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;

namespace SharedStruct.Tests;

/// <summary>
/// When <c>SHAREDSTRUCT_CRASH_LOG_DIR</c> is set (.ci/run sets it), an exception that ends this test process is written
/// there, with the thread it ended. The test runner reports a crashed test process only by its exit code; its stderr
/// is not shown, so without this a crash in CI says nothing about its cause. (.ci/run also asks the runtime for a crash
/// report, which covers what no exception handler sees, such as an access violation.)
/// </summary>
internal static class CrashLog
{
    [ModuleInitializer]
    internal static void Install()
    {
        string? directory = Environment.GetEnvironmentVariable("SHAREDSTRUCT_CRASH_LOG_DIR");
        if (string.IsNullOrEmpty(directory))
            return;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            try
            {
                Directory.CreateDirectory(directory);
                string assembly = typeof(CrashLog).Assembly.GetName().Name ?? "tests";
                string path = Path.Combine(directory, $"{assembly}.{Environment.ProcessId}.unhandled.txt");
                File.AppendAllText(path,
                    $"{DateTime.UtcNow:O} unhandled exception on thread '{Thread.CurrentThread.Name}' ({Environment.CurrentManagedThreadId}), " +
                    $"terminating={e.IsTerminating}:\n{e.ExceptionObject}\n");
            }
            catch (Exception)
            {
                // The process is ending anyway; the runtime's crash report is the fallback.
            }
        };
    }
}
