namespace Retina.NodeRuntime.Enrichment;

/// <summary>
/// The compact projection of a pod that pod-level metrics need, one per pod IP. Strings are
/// shared between pods where possible (namespace, workload kind, node, zone). Empty fields stay
/// empty here; pod-level metrics write them as <c>unknown</c> (<see cref="AdvancedMetrics.MetricShape"/>).
/// </summary>
/// <param name="Namespace">metadata.namespace.</param>
/// <param name="Name">metadata.name.</param>
/// <param name="Uid">metadata.uid: a pod recreated under the same name is another pod.</param>
/// <param name="NodeName">spec.nodeName.</param>
/// <param name="WorkloadKind">Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet…; empty for a bare pod.</param>
/// <param name="WorkloadName">Name of that workload; empty for a bare pod.</param>
/// <param name="Service">First service (by name) in the pod's namespace whose selector matches the pod; empty when none.</param>
/// <param name="Zone">topology.kubernetes.io/zone of the pod's node; empty when unknown.</param>
/// <param name="IsLocal">True when the pod runs on this node.</param>
public sealed record PodInfo(
    string Namespace,
    string Name,
    string Uid,
    string NodeName,
    string WorkloadKind,
    string WorkloadName,
    string Service,
    string Zone,
    bool IsLocal)
{
    /// <summary>"namespace/name", the key series of this pod are indexed by.</summary>
    public string Key => Namespace + "/" + Name;
}
