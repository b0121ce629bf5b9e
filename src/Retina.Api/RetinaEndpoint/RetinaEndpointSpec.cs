using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.RetinaEndpoint;

/// <summary>What enrichment needs of a pod, mirrored from it by the controllers (<see cref="PodEndpointProjection"/>).</summary>
public sealed class RetinaEndpointSpec
{
    /// <summary>metadata.uid of the pod: a pod recreated under the same name is another pod.</summary>
    [JsonPropertyName("podUID")]
    public string? PodUid { get; set; }

    /// <summary>The pod's addresses (status.podIPs, else status.podIP); empty while it has none or once it finished.</summary>
    [MaxItems(2)]
    [JsonPropertyName("podIPs")]
    public List<string>? PodIps { get; set; }

    /// <summary>spec.nodeName of the pod.</summary>
    [JsonPropertyName("nodeName")]
    public string? NodeName { get; set; }

    /// <summary>The workload owning the pod (a Deployment for a ReplicaSet of one), empty for a bare pod.</summary>
    [JsonPropertyName("workloadKind")]
    public string? WorkloadKind { get; set; }

    /// <summary>Name of that workload.</summary>
    [JsonPropertyName("workloadName")]
    public string? WorkloadName { get; set; }

    /// <summary>The pod's labels (services select on them; trace records carry them).</summary>
    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }
}
