using k8s.Models;
using Retina.Api.RetinaEndpoint;

namespace Retina.NodeRuntime.Enrichment;

/// <summary>Pure functions from Kubernetes objects to the cache's compact projection.</summary>
public static class PodProjection
{
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    private const string LegacyZoneLabel = "failure-domain.beta.kubernetes.io/zone";

    /// <summary>The pod's addresses (<see cref="PodEndpointProjection.Addresses"/>, the rule the controllers mirror too).</summary>
    public static IReadOnlyList<IpKey> Addresses(V1Pod pod) => [.. PodEndpointProjection.Addresses(pod).Select(IpKey.From).Distinct()];

    /// <summary>The workload that owns the pod (<see cref="PodEndpointProjection.Workload"/>).</summary>
    public static (string Kind, string Name) Workload(V1Pod pod) => PodEndpointProjection.Workload(pod);

    /// <summary>The zone of a node from its labels; empty when it has none.</summary>
    public static string Zone(V1Node node) =>
        node.Metadata?.Labels is { } l
            ? l.TryGetValue(ZoneLabel, out var z) ? z : l.TryGetValue(LegacyZoneLabel, out var z2) ? z2 : ""
            : "";

    /// <summary>True when a service's (non-empty) selector matches the labels.</summary>
    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 }
        && labels is not null
        && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
