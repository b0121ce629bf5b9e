using Retina.Api.TraceSession;

namespace Retina.Controllers.TraceSession;

/// <summary>
/// The Kubernetes Events a trace's findings are worth, naming the pods involved ("drops: 12 NETFILTER_DROP on
/// default/web"): one per value that newly enters a top list since the last status. Pure; a few per pass at most.
/// </summary>
public static class TraceEvents
{
    public const int MaxPerPass = 3;

    public sealed record Finding(string Reason, string Message);

    public static IReadOnlyList<Finding> New(TraceSessionStatus? before, TraceSessionStatus after)
    {
        var found = new List<Finding>();
        Add(found, "DropsSeen", "drops", before?.TopDropReasons, after.TopDropReasons, "on");
        Add(found, "DnsFailuresSeen", "dns failures", before?.TopDnsFailures, after.TopDnsFailures, "from");
        return found.Take(MaxPerPass).ToList();
    }

    /// <summary>The summary when the trace finished.</summary>
    public static string Summary(TraceSessionStatus s)
    {
        var text = $"{s.EventCount ?? 0} event(s) on {s.Nodes?.Count ?? 0} node(s), {s.LostEvents ?? 0} lost";
        if (s.TopDropReasons?.FirstOrDefault() is { } drop)
        {
            text += $"; top drop reason {drop.Value} ({drop.Count}){Pods(drop, "on")}";
        }

        if (s.TopDnsFailures?.FirstOrDefault() is { } dns)
        {
            text += $"; top DNS failure {dns.Value} ({dns.Count}){Pods(dns, "from")}";
        }

        return text;
    }

    private static void Add(List<Finding> found, string reason, string what, List<TraceCount>? before, List<TraceCount>? after, string preposition)
    {
        var seen = (before ?? []).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in (after ?? []).Where(c => !seen.Contains(c.Value)))
        {
            found.Add(new Finding(reason, $"{what}: {entry.Count} {entry.Value}{Pods(entry, preposition)}"));
        }
    }

    private static string Pods(TraceCount c, string preposition) =>
        c.Pods is { Count: > 0 } pods ? $" {preposition} {string.Join(", ", pods)}" : "";
}
