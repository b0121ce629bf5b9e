using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;

namespace Retina.Api.Capture;

/// <summary>A Deployment, StatefulSet, DaemonSet or Job in the same namespace.</summary>
public sealed class WorkloadReference
{
    /// <summary>Kind of the workload: Deployment, StatefulSet, DaemonSet or Job.</summary>
    [Required]
    [AllowedValues("Deployment", "StatefulSet", "DaemonSet", "Job")]
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    /// <summary>Name of the workload.</summary>
    [Required]
    [MaxLength(253)]
    [RegularExpression(Names.Dns1123SubdomainPattern)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
