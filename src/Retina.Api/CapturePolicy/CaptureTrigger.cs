using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>One trigger: exactly one of alert or threshold.</summary>
[ExclusiveGroups("alert", "threshold", AtLeastOne = true)]
public sealed class CaptureTrigger
{
    /// <summary>Name of the trigger, recorded with each firing.</summary>
    [Required]
    [MaxLength(63)]
    [RegularExpression(Names.Dns1123LabelPattern)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Fire when Alertmanager posts a firing alert that matches.</summary>
    [JsonPropertyName("alert")]
    public AlertTrigger? Alert { get; set; }

    /// <summary>Fire when a node-local rate stays above a threshold (evaluated by each node's runtime).</summary>
    [JsonPropertyName("threshold")]
    public ThresholdTrigger? Threshold { get; set; }
}
