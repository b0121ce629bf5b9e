using System.Text.RegularExpressions;

namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>
/// The metric names a PromQL expression selects. Not a parser: string literals, label matchers ({…}), ranges ([…]) and
/// grouping label lists (by/without/on/ignoring/group_left/group_right (…)) are removed, then every identifier that is
/// not a function call, a keyword or a Grafana variable is a metric name. Prometheus itself judges the syntax
/// (<see cref="ShippedQueriesTests"/>).
/// </summary>
public static partial class PromQlNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan", "atan2",
    };

    public static IReadOnlySet<string> Of(string promQl)
    {
        var text = Strings().Replace(promQl, " ");
        text = Matchers().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifiers().Matches(text).Select(m => m.Value).Where(n => !Keywords.Contains(n)).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    // an identifier not inside a number (1e3), not a $variable, and not followed by "(" (a function)
    [GeneratedRegex(@"(?<![\w.$:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w:])(?!\s*\()")]
    private static partial Regex Identifiers();
}
