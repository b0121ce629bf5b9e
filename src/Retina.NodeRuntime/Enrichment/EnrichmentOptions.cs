namespace Retina.NodeRuntime.Enrichment;

/// <summary>What the enrichment cache watches.</summary>
public sealed class EnrichmentOptions
{
    /// <summary>
    /// Remote context (the other end of a flow is named too) from the slim projection: this node's pods from the
    /// field-selected pod watch, every other pod from the cluster's RetinaEndpoints, which the controllers mirror from
    /// pods. Off (the default, as Retina's local context): only pods on this node are listed, with a spec.nodeName field
    /// selector. Remote context still gives each node the names and labels of every tenant's pods, and its memory grows
    /// with the cluster; the projection keeps that to a few hundred bytes per pod instead of the whole Pod.
    /// </summary>
    public bool RemoteEndpoints { get; set; }

    /// <summary>
    /// Remote context the old way: watch every full Pod of the cluster. Kept to measure the projection against
    /// (bench/Retina.PodMetrics.Bench <c>context</c>); the runtime uses <see cref="RemoteEndpoints"/>.
    /// </summary>
    public bool AllPods { get; set; }

    /// <summary>Watch services so that pods carry the name of the service selecting them.</summary>
    public bool WatchServices { get; set; } = true;

    /// <summary>Watch nodes so that pods carry their node's zone (topology.kubernetes.io/zone).</summary>
    public bool WatchNodes { get; set; } = true;
}
