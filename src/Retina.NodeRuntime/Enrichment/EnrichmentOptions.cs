namespace Retina.NodeRuntime.Enrichment;

/// <summary>What the enrichment cache watches.</summary>
public sealed class EnrichmentOptions
{
    /// <summary>
    /// Watch every pod of the cluster (remote context: the other end of a flow is named too). Off:
    /// only pods on this node are watched (local context).
    /// </summary>
    public bool AllPods { get; set; } = true;

    /// <summary>Watch services so that pods carry the name of the service selecting them.</summary>
    public bool WatchServices { get; set; } = true;

    /// <summary>Watch nodes so that pods carry their node's zone (topology.kubernetes.io/zone).</summary>
    public bool WatchNodes { get; set; } = true;
}
