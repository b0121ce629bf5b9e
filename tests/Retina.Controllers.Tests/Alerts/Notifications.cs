using System.Text.Json.Nodes;

namespace Retina.Controllers.Tests.Alerts;

/// <summary>Alertmanager webhook payloads (version 4) as Alertmanager composes them.</summary>
public static class Notifications
{
    public static readonly DateTimeOffset StartsAt = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    public static JsonObject Alert(Dictionary<string, string> labels, string fingerprint, string status = "firing", DateTimeOffset? startsAt = null)
    {
        var l = new JsonObject();
        foreach (var (k, v) in labels)
        {
            l[k] = v;
        }

        return new JsonObject
        {
            ["status"] = status,
            ["labels"] = l,
            ["annotations"] = new JsonObject { ["summary"] = "drops" },
            ["startsAt"] = (startsAt ?? StartsAt).ToString("O"),
            ["endsAt"] = "0001-01-01T00:00:00Z",
            ["generatorURL"] = "http://prometheus.example/graph?g0.expr=x",
            ["fingerprint"] = fingerprint,
        };
    }

    public static string Of(params JsonObject[] alerts) => Of(0, alerts);

    public static string Of(int truncated, params JsonObject[] alerts) => new JsonObject
    {
        ["version"] = "4",
        ["groupKey"] = "{}:{alertname=\"PodDrops\"}",
        ["truncatedAlerts"] = truncated,
        ["status"] = alerts.Any(a => (string?)a["status"] == "firing") ? "firing" : "resolved",
        ["receiver"] = "retina",
        ["groupLabels"] = new JsonObject { ["alertname"] = "PodDrops" },
        ["commonLabels"] = new JsonObject(),
        ["commonAnnotations"] = new JsonObject(),
        ["externalURL"] = "http://alertmanager.example",
        ["alerts"] = new JsonArray([.. alerts]),
    }.ToJsonString();

    public static JsonObject PodDrops(string ns, string pod, string fingerprint, DateTimeOffset? startsAt = null) =>
        Alert(new() { ["alertname"] = "PodDrops", ["namespace"] = ns, ["pod"] = pod, ["reason"] = "NETFILTER_DROP" }, fingerprint, startsAt: startsAt);
}
