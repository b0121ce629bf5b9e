using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;

namespace Retina.Api.ShellSession;

/// <summary>A pod in the ShellSession's namespace, and optionally the container whose namespaces the shell shares.</summary>
public sealed class ShellPodTarget
{
    /// <summary>Pod name.</summary>
    [Required]
    [MaxLength(253)]
    [RegularExpression(Names.Dns1123SubdomainPattern)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Container to target (process namespace); default the pod's first container.</summary>
    [MaxLength(63)]
    [RegularExpression(Names.Dns1123LabelPattern)]
    [JsonPropertyName("container")]
    public string? Container { get; set; }
}
