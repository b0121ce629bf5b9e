using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.ShellSession;

/// <summary>Exactly one of nodeName or pod.</summary>
[ExclusiveGroups("nodeName", "pod", AtLeastOne = true)]
public sealed class ShellTarget
{
    /// <summary>Run on this node, in the host network.</summary>
    [MaxLength(253)]
    [RegularExpression(Names.Dns1123SubdomainPattern)]
    [JsonPropertyName("nodeName")]
    public string? NodeName { get; set; }

    /// <summary>Run as an ephemeral container in this pod of the ShellSession's namespace.</summary>
    [JsonPropertyName("pod")]
    public ShellPodTarget? Pod { get; set; }
}
