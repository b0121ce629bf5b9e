using System.Text.Json.Serialization;

namespace Retina.Kube.Tests.TestSupport;

public sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }

    [JsonPropertyName("color")]
    public string? Color { get; set; }
}
