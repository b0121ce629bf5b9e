using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.CapturePolicy;

/// <summary>Names of the alert labels that carry the namespace, pod and node to capture.</summary>
public sealed class AlertLabelMapping
{
    /// <summary>Alert label holding the namespace (e.g. namespace); must be a namespace the policy's namespace may capture.</summary>
    [MaxLength(128)]
    [RegularExpression("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>Alert label holding the pod name (e.g. pod).</summary>
    [MaxLength(128)]
    [RegularExpression("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    [JsonPropertyName("pod")]
    public string? Pod { get; set; }

    /// <summary>Alert label holding the node name (e.g. node or instance).</summary>
    [MaxLength(128)]
    [RegularExpression("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    [JsonPropertyName("node")]
    public string? Node { get; set; }
}
