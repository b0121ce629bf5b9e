using System.Text.Json.Nodes;
using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi.Webhooks;

/// <summary>
/// Whether one webhook of a configuration applies to a request, as the API server decides it: <c>rules</c> (operations,
/// apiGroups, apiVersions, resources with <c>*</c>, <c>x/status</c>, <c>x/*</c>, <c>*/status</c>; scope), then
/// <c>namespaceSelector</c> (on the namespace's labels, with the automatic <c>kubernetes.io/metadata.name</c>; not for
/// cluster-scoped kinds) and <c>objectSelector</c> (on the new or the old object's labels). Selectors support
/// <c>matchLabels</c> and <c>matchExpressions</c> (In, NotIn, Exists, DoesNotExist).
/// </summary>
internal static class FakeWebhookRules
{
    public static bool Matches(JsonObject webhook, ResourceDescriptor d, string subresource, string operation,
        IDictionary<string, string>? namespaceLabels, JsonObject? obj, JsonObject? oldObj)
    {
        if (!RulesMatch(webhook, d, subresource, operation))
        {
            return false;
        }

        if (d.Namespaced && webhook["namespaceSelector"] is JsonObject nsSelector && !SelectorMatches(nsSelector, namespaceLabels ?? new Dictionary<string, string>()))
        {
            return false;
        }

        if (webhook["objectSelector"] is JsonObject objSelector)
        {
            return SelectorMatches(objSelector, Labels(obj)) || SelectorMatches(objSelector, Labels(oldObj));
        }

        return true;
    }

    public static bool RulesMatch(JsonObject webhook, ResourceDescriptor d, string subresource, string operation) =>
        (webhook["rules"] as JsonArray ?? []).OfType<JsonObject>().Any(r => RuleMatches(r, d, subresource, operation));

    private static bool RuleMatches(JsonObject rule, ResourceDescriptor d, string subresource, string operation)
    {
        var resource = subresource.Length == 0 ? d.Plural : d.Plural + "/" + subresource;
        return AnyOf(rule["operations"], operation)
            && AnyOf(rule["apiGroups"], d.Group)
            && AnyOf(rule["apiVersions"], d.Version)
            && Strings(rule["resources"]).Any(r => ResourceMatches(r, d.Plural, subresource, resource))
            && ((string?)rule["scope"] ?? "*") switch
            {
                "Cluster" => !d.Namespaced,
                "Namespaced" => d.Namespaced,
                _ => true,
            };
    }

    private static bool ResourceMatches(string pattern, string plural, string subresource, string resource)
    {
        if (pattern == "*/*" || pattern == resource)
        {
            return true;
        }

        var parts = pattern.Split('/', 2);
        var main = parts[0];
        var sub = parts.Length > 1 ? parts[1] : null;
        return sub is null
            ? main == "*" && subresource.Length == 0
            : (main == "*" || main == plural) && (sub == "*" ? subresource.Length > 0 : sub == subresource);
    }

    private static bool AnyOf(JsonNode? list, string value) => Strings(list).Any(s => s == "*" || s == value);

    private static IEnumerable<string> Strings(JsonNode? list) =>
        (list as JsonArray ?? []).Select(n => (string?)n).OfType<string>();

    private static Dictionary<string, string> Labels(JsonObject? obj) =>
        (obj?["metadata"]?["labels"] as JsonObject ?? [])
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal);

    /// <summary>A metav1.LabelSelector; an empty one matches everything.</summary>
    public static bool SelectorMatches(JsonObject selector, IDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != (string?)value)
            {
                return false;
            }
        }

        foreach (var expression in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (string?)expression["key"] ?? "";
            var values = Strings(expression["values"]).ToHashSet(StringComparer.Ordinal);
            var has = labels.TryGetValue(key, out var actual);
            var ok = (string?)expression["operator"] switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                var op => throw KubeApiException.BadRequest($"unsupported selector operator {op}"),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
