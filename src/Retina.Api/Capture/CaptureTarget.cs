using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>
/// Where packets are captured. Exactly one of: nodeSelector (whole nodes), namespaceSelector and/or
/// podSelector (pods; podSelector alone means the Capture's own namespace), podNames (pods of the
/// Capture's namespace by name), workloadRef (the pods of a workload, followed as they come and go).
/// </summary>
[ExclusiveGroups("nodeSelector", "namespaceSelector,podSelector", "podNames", "workloadRef")]
[Requires("namespaceSelector", "podSelector")]
public sealed class CaptureTarget
{
    /// <summary>Capture on every node whose labels match; incompatible with the pod targets.</summary>
    [JsonPropertyName("nodeSelector")]
    public LabelSelector? NodeSelector { get; set; }

    /// <summary>Namespaces whose pods are captured (with podSelector); honoured only within the namespaces the cluster admin allows.</summary>
    [JsonPropertyName("namespaceSelector")]
    public LabelSelector? NamespaceSelector { get; set; }

    /// <summary>Pods to capture, by label.</summary>
    [JsonPropertyName("podSelector")]
    public LabelSelector? PodSelector { get; set; }

    /// <summary>Pods of the Capture's namespace, by name.</summary>
    [MinItems(1)]
    [MaxItems(100)]
    [ItemPattern(Names.Dns1123SubdomainPattern)]
    [JsonPropertyName("podNames")]
    public List<string>? PodNames { get; set; }

    /// <summary>A workload in the Capture's namespace; its pods are captured, including pods that start during the capture.</summary>
    [JsonPropertyName("workloadRef")]
    public WorkloadReference? WorkloadRef { get; set; }
}
