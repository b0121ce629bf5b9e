using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Retina.Kube.Tests.TestSupport;

public sealed class WidgetStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("seenSize")]
    public int? SeenSize { get; set; }

    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("extra")]
    public JsonObject? Extra { get; set; }
}
