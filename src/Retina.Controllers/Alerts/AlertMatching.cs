using System.Text.RegularExpressions;
using Retina.Api.CapturePolicy;

namespace Retina.Controllers.Alerts;

/// <summary>
/// Whether an alert matches a trigger, as Alertmanager's route matchers decide: alertname, then every matcher (=, !=,
/// =~, !~; a missing label is the empty string; regexes are fully anchored). Regexes run on .NET's non-backtracking
/// engine, which like RE2 (Alertmanager's engine) matches in linear time, so a hostile pattern cannot stall the receiver.
/// </summary>
public static class AlertMatching
{
    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(100);

    public static bool Matches(AlertTrigger trigger, IReadOnlyDictionary<string, string> labels)
    {
        if (!string.Equals(Label(labels, "alertname"), trigger.AlertName, StringComparison.Ordinal))
        {
            return false;
        }

        return (trigger.Matchers ?? []).All(m => Matches(m, Label(labels, m.Name)));
    }

    public static bool Matches(LabelMatcher matcher, string value) => (matcher.Operator ?? "=") switch
    {
        "=" => value == (matcher.Value ?? ""),
        "!=" => value != (matcher.Value ?? ""),
        "=~" => Anchored(matcher.Value ?? "").IsMatch(value),
        "!~" => !Anchored(matcher.Value ?? "").IsMatch(value),
        var op => throw new ArgumentException($"operator {op} is not one of =, !=, =~, !~"),
    };

    private static Regex Anchored(string pattern) =>
        new("^(?:" + pattern + ")$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexBudget);

    private static string Label(IReadOnlyDictionary<string, string> labels, string name) => labels.TryGetValue(name, out var v) ? v : "";
}
