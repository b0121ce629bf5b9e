using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>
/// What Retina's <c>retina.sh: observe</c> annotation opts in on this node (controller option EnableAnnotations): the
/// annotated namespaces and the annotated pods scheduled here. Their traffic gets Retina's default pod-level metric set
/// (merged into <see cref="NodeMetricsSpec.ContextOptions"/>) whether or not a MetricsConfiguration covers them.
/// </summary>
public sealed class NodeObservedSpec
{
    /// <summary>Schema cap on each list; past it the first ones by name are kept and the controller logs why.</summary>
    public const int MaxItems = 1024;

    /// <summary>Namespaces annotated <c>retina.sh: observe</c>: every pod in them is observed.</summary>
    [MaxItems(MaxItems)]
    [JsonPropertyName("namespaces")]
    public List<string>? Namespaces { get; set; }

    /// <summary>Pods on this node annotated <c>retina.sh: observe</c>, as <c>namespace/name</c>.</summary>
    [MaxItems(MaxItems)]
    [JsonPropertyName("pods")]
    public List<string>? Pods { get; set; }
}
