using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Kube.Tests.TestSupport;

/// <summary>A test-local cluster-scoped custom resource.</summary>
[ClusterScoped]
[KubernetesEntity(Group = "test.retina.sh", ApiVersion = "v1", Kind = "Gadget", PluralName = "gadgets")]
public sealed class Gadget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "test.retina.sh/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Gadget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus? Status { get; set; }
}
