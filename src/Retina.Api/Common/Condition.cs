using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.Common;

/// <summary>One aspect of the object's current state (the standard Kubernetes condition).</summary>
public sealed class Condition
{
    /// <summary>Type of condition in CamelCase or in foo.example.com/CamelCase, e.g. Ready, Accepted, complete.</summary>
    [Required]
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary>Status of the condition: True, False or Unknown.</summary>
    [Required]
    [AllowedValues("True", "False", "Unknown")]
    [JsonPropertyName("status")]
    public string Status { get; set; } = ConditionStatus.Unknown;

    /// <summary>A programmatic identifier, in CamelCase, for the last transition.</summary>
    [Required]
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    /// <summary>A human-readable message with details about the transition, naming the field or thing at fault.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>When the condition last changed from one status to another.</summary>
    [Required]
    [JsonPropertyName("lastTransitionTime")]
    public DateTime LastTransitionTime { get; set; }

    /// <summary>The .metadata.generation that the condition was set from.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }
}
