using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>An alert name and label matchers, as in Alertmanager routes.</summary>
public sealed class AlertTrigger
{
    /// <summary>Value of the alert's alertname label.</summary>
    [Required]
    [MaxLength(253)]
    [JsonPropertyName("alertName")]
    public string AlertName { get; set; } = "";

    /// <summary>Further label matchers; all must hold.</summary>
    [MaxItems(16)]
    [JsonPropertyName("matchers")]
    public List<LabelMatcher>? Matchers { get; set; }
}
