using System;
using System.Collections.Generic;
using System.Globalization;
using SharedStruct.Format;

namespace SharedStruct.Tool.Layout;

/// <summary>
/// Parses the canonical layout description a segment's creator stores in its header:
/// <code>
/// sharedstruct-layout 1
/// struct Demo.Counter size=216 kind=Sequential pack=0
/// field Hits int64 offset=0 size=8
/// field Note char[100] offset=12 size=200
/// </code>
/// Also accepts the runtime's default description for segments opened without a generated layout
/// (<c>Namespace.Type size=96</c>), which names the type but lists no fields.
/// </summary>
internal static class LayoutParser
{
    private const string Header = LayoutFormat.Magic;
    private const int SupportedVersion = LayoutFormat.Version;

    /// <summary>Parses <paramref name="text"/>; on failure returns false with a one-line reason in <paramref name="error"/>.</summary>
    public static bool TryParse(string? text, out LayoutDescription? layout, out string error)
    {
        layout = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "no layout description is stored";
            return false;
        }
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string first = lines[0].Trim();
        if (!first.StartsWith(Header, StringComparison.Ordinal))
            return TryParseDefault(first, lines.Length, out layout, out error);

        string[] headerTokens = Tokens(first);
        if (headerTokens.Length != 2 || headerTokens[0] != Header || !int.TryParse(headerTokens[1], NumberStyles.None, CultureInfo.InvariantCulture, out int version))
        {
            error = $"line 1: expected \"{Header} {SupportedVersion}\"";
            return false;
        }
        if (version != SupportedVersion)
        {
            error = $"layout description version {version}; this tool reads version {SupportedVersion}";
            return false;
        }

        string? structName = null;
        long? size = null;
        string? kind = null;
        int? pack = null;
        var fields = new List<LayoutField>();
        var warnings = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var enums = new Dictionary<string, EnumMembers>(StringComparer.Ordinal);
        var enumLines = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            string[] tokens = Tokens(line);
            switch (tokens[0])
            {
                case LayoutFormat.Struct:
                {
                    if (structName is not null)
                    {
                        error = $"line {lineNumber}: a second struct line";
                        return false;
                    }
                    // The name is everything up to the first key=value token (a generic name may hold spaces).
                    int k = 1;
                    while (k < tokens.Length && !IsKeyValue(tokens[k]))
                        k++;
                    if (k == 1)
                    {
                        error = $"line {lineNumber}: the struct line has no name";
                        return false;
                    }
                    structName = string.Join(' ', tokens, 1, k - 1);
                    for (; k < tokens.Length; k++)
                    {
                        (string key, string value) = SplitKeyValue(tokens[k]);
                        switch (key)
                        {
                            case LayoutFormat.Size:
                                if (!TryParseNumber(value, out long s))
                                {
                                    error = $"line {lineNumber}: size=\"{value}\" is not a number";
                                    return false;
                                }
                                size = s;
                                break;
                            case LayoutFormat.Kind:
                                kind = value;
                                break;
                            case LayoutFormat.Pack:
                                if (!TryParseNumber(value, out long p) || p > int.MaxValue)
                                {
                                    error = $"line {lineNumber}: pack=\"{value}\" is not a number";
                                    return false;
                                }
                                pack = (int)p;
                                break;
                            default:
                                warnings.Add($"line {lineNumber}: ignored {key}=");
                                break;
                        }
                    }
                    break;
                }
                case LayoutFormat.Field:
                {
                    if (!TryParseField(tokens, lineNumber, out LayoutField? field, warnings, out error))
                        return false;
                    if (!names.Add(field!.Name))
                    {
                        error = $"line {lineNumber}: a second field named {field.Name}";
                        return false;
                    }
                    fields.Add(field);
                    break;
                }
                case LayoutFormat.Enum:
                {
                    if (!TryParseEnum(tokens, lineNumber, out string field, out EnumMembers? members, out error))
                        return false;
                    if (!enums.TryAdd(field, members!))
                    {
                        error = $"line {lineNumber}: a second enum line for field {field}";
                        return false;
                    }
                    enumLines[field] = lineNumber;
                    break;
                }
                default:
                    warnings.Add($"line {lineNumber}: ignored \"{tokens[0]}\" entry");
                    break;
            }
        }
        if (structName is null)
        {
            error = "the description has no struct line";
            return false;
        }
        foreach ((string field, EnumMembers members) in enums)
        {
            int index = fields.FindIndex(f => f.Name == field);
            if (index < 0)
                warnings.Add($"line {enumLines[field]}: enum line for {field}, which is no field");
            else if (!LayoutTypes.IsEnumBase(fields[index].Element))
                warnings.Add($"line {enumLines[field]}: enum line for {field}, whose type {fields[index].TypeText} is no integer");
            else
                fields[index] = fields[index] with { Enum = members };
        }
        layout = new LayoutDescription(structName, size, kind, pack, fields, HasFieldList: true, warnings);
        return true;
    }

    /// <summary><c>enum &lt;field&gt; [flags] Name=Value ...</c>: the members of the enum a field holds.</summary>
    private static bool TryParseEnum(string[] tokens, int lineNumber, out string field, out EnumMembers? members, out string error)
    {
        field = tokens.Length > 1 ? tokens[1] : "";
        members = null;
        error = "";
        int k = 2;
        bool flags = tokens.Length > 2 && tokens[2] == LayoutFormat.Flags;
        if (flags)
            k++;
        if (tokens.Length < 2 || IsKeyValue(tokens[1]))
        {
            error = $"line {lineNumber}: expected \"enum <field> [flags] <Name>=<value> ...\"";
            return false;
        }
        var list = new List<(string, long)>();
        for (; k < tokens.Length; k++)
        {
            (string name, string value) = IsKeyValue(tokens[k]) ? SplitKeyValue(tokens[k]) : ("", "");
            if (name.Length == 0 || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
            {
                error = $"line {lineNumber}: \"{tokens[k]}\" of enum {field} is not <Name>=<integer>";
                return false;
            }
            list.Add((name, number));
        }
        members = new EnumMembers(flags, list);
        return true;
    }

    private static bool TryParseField(string[] tokens, int lineNumber, out LayoutField? field, List<string> warnings, out string error)
    {
        field = null;
        error = "";
        if (tokens.Length < 3 || IsKeyValue(tokens[1]) || IsKeyValue(tokens[2]))
        {
            error = $"line {lineNumber}: expected \"field <name> <type> offset=<n> size=<n>\"";
            return false;
        }
        string name = tokens[1];
        string typeText = tokens[2];
        long? offset = null;
        long? size = null;
        for (int k = 3; k < tokens.Length; k++)
        {
            if (!IsKeyValue(tokens[k]))
            {
                error = $"line {lineNumber}: unexpected \"{tokens[k]}\" in field {name}";
                return false;
            }
            (string key, string value) = SplitKeyValue(tokens[k]);
            if (key is LayoutFormat.Offset or LayoutFormat.Size)
            {
                if (!TryParseNumber(value, out long n))
                {
                    error = $"line {lineNumber}: {key}=\"{value}\" of field {name} is not a number";
                    return false;
                }
                if (key == LayoutFormat.Offset)
                    offset = n;
                else
                    size = n;
            }
            else
            {
                warnings.Add($"line {lineNumber}: ignored {key}= of field {name}");
            }
        }
        if (offset is null || size is null)
        {
            error = $"line {lineNumber}: field {name} lacks {(offset is null ? "offset=" : "size=")}";
            return false;
        }

        string elementText = typeText;
        int? count = null;
        int bracket = typeText.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            if (!typeText.EndsWith(']') || bracket == 0 ||
                !int.TryParse(typeText.AsSpan(bracket + 1, typeText.Length - bracket - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                error = $"line {lineNumber}: type \"{typeText}\" of field {name} is not <type> or <type>[N]";
                return false;
            }
            elementText = typeText.Substring(0, bracket);
            count = n;
        }
        field = new LayoutField(name, typeText, LayoutTypes.FromName(elementText)?.Kind ?? LayoutTypeKind.Unknown, count, offset.Value, size.Value);
        return true;
    }

    /// <summary>The runtime's default description: <c>Namespace.Type size=N</c> on one line.</summary>
    private static bool TryParseDefault(string first, int lineCount, out LayoutDescription? layout, out string error)
    {
        layout = null;
        string[] tokens = Tokens(first);
        const string SizeKey = LayoutFormat.Size + "=";
        if (lineCount == 1 && tokens.Length == 2 && tokens[1].StartsWith(SizeKey, StringComparison.Ordinal) &&
            TryParseNumber(tokens[1].Substring(SizeKey.Length), out long size))
        {
            layout = new LayoutDescription(tokens[0], size, null, null, Array.Empty<LayoutField>(), HasFieldList: false, Array.Empty<string>());
            error = "";
            return true;
        }
        error = $"not a layout description this tool reads (it does not start with \"{Header}\")";
        return false;
    }

    private static string[] Tokens(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static bool IsKeyValue(string token) => token.IndexOf('=', StringComparison.Ordinal) > 0;

    private static (string Key, string Value) SplitKeyValue(string token)
    {
        int eq = token.IndexOf('=', StringComparison.Ordinal);
        return (token.Substring(0, eq), token.Substring(eq + 1));
    }

    private static bool TryParseNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
