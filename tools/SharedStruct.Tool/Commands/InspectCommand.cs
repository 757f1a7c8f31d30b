using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using SharedStruct.Tool.Cli;
using SharedStruct.Tool.Layout;

namespace SharedStruct.Tool.Commands;

/// <summary><c>sharedstruct inspect</c>: the header, then the payload field by field from the stored layout description.</summary>
internal static class InspectCommand
{
    public const int DefaultMaxBytes = 4096;

    public static Command Create(ToolConsole console)
    {
        Argument<string?> name = CommonOptions.Name(optional: true);
        Option<string?> dir = CommonOptions.Directory();
        Option<string?> file = CommonOptions.File();
        var maxBytes = new Option<int>("--max-bytes")
        {
            Description = "When the payload is shown as hex (no field list stored), show at most this many bytes.",
            DefaultValueFactory = _ => DefaultMaxBytes,
            HelpName = "N",
        };
        var command = new Command("inspect", "Show a segment's header and its payload decoded field by field.") { name, dir, file, maxBytes };
        command.SetAction(result => Run(console, result.GetValue(name), result.GetValue(dir), result.GetValue(file), result.GetValue(maxBytes)));
        return command;
    }

    public static int Run(ToolConsole console, string? name, string? directory, string? file, int maxBytes = DefaultMaxBytes)
    {
        int code = SegmentTarget.Create(console, name, directory, file, out SegmentTarget? target);
        if (code != ExitCodes.Ok)
            return code;
        code = target!.TryInspect(console, out SegmentInfo? info);
        if (code != ExitCodes.Ok)
            return code;
        if (!info!.IsValid)
            return target.ReportProblem(console, info);

        PayloadView view = PayloadView.For(info, maxBytes);
        WriteHeader(console, info, view);

        foreach (string warning in view.Warnings(info))
            console.WriteLine("Note: " + warning + ".");
        if (info.PayloadMayBeTorn)
            console.WriteLine(TornNote(info));

        console.WriteLine();
        if (view.IsDecoded)
        {
            Tables fields = Tables.Create("FIELD", "TYPE", "OFFSET", "SIZE", "VALUE");
            foreach (DecodedField f in view.Rows)
                fields.Add(f.Name, f.TypeText, f.Offset.ToString(CultureInfo.InvariantCulture), f.Size.ToString(CultureInfo.InvariantCulture), f.Value);
            if (view.Rows.Count == 0)
                console.WriteLine("The layout lists no fields.");
            else
                fields.Write(console);
        }
        else
        {
            console.WriteLine($"Payload as hex ({view.WhyHex}):");
            foreach (DecodedField row in view.Rows)
                console.WriteLine($"  {row.Name}  {row.Value}");
            if (view.HiddenBytes > 0)
                console.WriteLine($"  … {view.HiddenBytes} more bytes (--max-bytes to show more)");
        }
        return ExitCodes.Ok;
    }

    /// <summary>Why the payload shown is not a consistent copy, and what it is instead.</summary>
    internal static string TornNote(SegmentInfo info)
    {
        if (info.HolderPid is not null && !info.HolderAlive)
            return $"Note: process {info.HolderPid} died holding the lock; these are the bytes it left, possibly mid-update.";
        if (info.PayloadReadWhileHeld)
            return $"Note: live process {info.HolderPid} holds the lock and kept it while this read; the values below are a possibly-torn read " +
                "(what it had written so far, perhaps mid-update), not a consistent snapshot.";
        return "Note: the payload changed under every read attempt; this copy may mix two updates.";
    }

    internal static void WriteHeader(ToolConsole console, SegmentInfo info, PayloadView view)
    {
        string layout = view.Layout is { } l
            ? l.StructName + (l.HasFieldList ? $" ({Describe(l)})" : " (no field list stored)")
            : info.LayoutDescription is null ? "(no description stored)" : "(unreadable description)";
        string lockText = info.HolderPid is not int holder
            ? "free"
            : $"held by {Show.Process(holder, info.HolderAlive)}, for " + (info.HeldFor is { } t ? Show.Duration(t) : "an unknown time") +
              (info.HolderAlive ? "" : "; the next Lock() recovers it (abandoned)");
        var rows = new List<(string, string)>
        {
            ("Segment", info.Name),
            ("Location", info.Location),
            ("Size", $"{info.Size} bytes (payload {info.PayloadSize} bytes at offset {SharedSegment.HeaderSize})"),
            ("Layout", layout),
            ("Fingerprint", Show.Hex(info.Fingerprint)),
            ("Created", $"{Show.Timestamp(info.CreatedAt)} by {Show.Process(info.CreatorPid, info.CreatorAlive, info.CreatorInOtherPidNamespace)}"),
            ("Lock", lockText),
            ("Lock taken", $"{Show.Times(info.LockGeneration)} ({info.AbandonCount} after a holder died)"),
            ("Processes", Show.Processes(info.Processes)),
            ("Readers", info.ReadersAttached ? "read-only readers attached" : "none"),
            ("Stale", info.IsStale ? "yes (no live process uses it; `sharedstruct stale --delete` removes it)" : "no"),
        };
        SegmentTarget.WriteKeyValues(console, rows.ToArray());
    }

    private static string Describe(LayoutDescription l)
    {
        var parts = new List<string>();
        if (l.Kind is not null)
            parts.Add(l.Kind);
        if (l.Pack is int pack && pack != 0)
            parts.Add("pack " + pack.ToString(CultureInfo.InvariantCulture));
        if (l.Size is long size)
            parts.Add(size.ToString(CultureInfo.InvariantCulture) + " bytes");
        parts.Add(l.Fields.Count == 1 ? "1 field" : $"{l.Fields.Count} fields");
        return string.Join(", ", parts);
    }
}
