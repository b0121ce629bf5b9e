namespace Retina.NodeRuntime.Enrichment;

/// <summary>What the enrichment cache watches.</summary>
public sealed class EnrichmentOptions
{
    /// <summary>
    /// Watch every pod of the cluster (remote context: the other end of a flow is named too). Off (the default, as
    /// Retina's local context): only pods on this node are listed, with a spec.nodeName field selector. Every node
    /// caching every pod costs memory and API-server watch load that grow with the cluster (nodes × pods), and gives
    /// each node the names and labels of every tenant's pods; opt in where cross-node names are worth that.
    /// </summary>
    public bool AllPods { get; set; }

    /// <summary>Watch services so that pods carry the name of the service selecting them.</summary>
    public bool WatchServices { get; set; } = true;

    /// <summary>Watch nodes so that pods carry their node's zone (topology.kubernetes.io/zone).</summary>
    public bool WatchNodes { get; set; } = true;
}
