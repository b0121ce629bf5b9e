using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.Common;

/// <summary>A standard Kubernetes label selector: all of matchLabels and all of matchExpressions must hold.</summary>
public sealed class LabelSelector
{
    /// <summary>Labels that must be present with exactly these values.</summary>
    [JsonPropertyName("matchLabels")]
    public Dictionary<string, string>? MatchLabels { get; set; }

    /// <summary>Requirements on labels (In, NotIn, Exists, DoesNotExist).</summary>
    [MaxItems(32)]
    [JsonPropertyName("matchExpressions")]
    public List<LabelSelectorRequirement>? MatchExpressions { get; set; }

    /// <summary>True when the selector has no requirement at all, so it matches everything.</summary>
    [JsonIgnore]
    public bool IsEmpty => (MatchLabels is null || MatchLabels.Count == 0) &&
                           (MatchExpressions is null || MatchExpressions.Count == 0);

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        if (MatchLabels is not null && MatchLabels.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value))
        {
            return false;
        }

        return MatchExpressions is null || MatchExpressions.All(e => e.Matches(labels));
    }

    /// <summary>The selector in the API server's query syntax (e.g. <c>app=web,tier in (a,b)</c>).</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (MatchLabels is not null)
        {
            parts.AddRange(MatchLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        }

        if (MatchExpressions is not null)
        {
            parts.AddRange(MatchExpressions.Select(e => e.ToString()));
        }

        return string.Join(',', parts);
    }
}
