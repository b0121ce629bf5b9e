using k8s.Models;

namespace Retina.NodeRuntime.Enrichment;

/// <summary>Pure functions from Kubernetes objects to the cache's compact projection.</summary>
public static class PodProjection
{
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    private const string LegacyZoneLabel = "failure-domain.beta.kubernetes.io/zone";

    /// <summary>
    /// The pod's addresses (status.podIPs, else status.podIP). Host-network pods share the node's
    /// address, so they name no address (as in Retina); nor do finished pods, whose address may be reused.
    /// </summary>
    public static IReadOnlyList<IpKey> Addresses(V1Pod pod)
    {
        if (pod.Spec?.HostNetwork == true || pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return [];
        }

        var list = new List<IpKey>(2);
        foreach (var ip in pod.Status?.PodIPs ?? [])
        {
            if (IpKey.TryParse(ip.Ip, out var k) && !list.Contains(k))
            {
                list.Add(k);
            }
        }

        if (list.Count == 0 && IpKey.TryParse(pod.Status?.PodIP, out var single))
        {
            list.Add(single);
        }

        return list;
    }

    /// <summary>
    /// The workload that owns the pod: a ReplicaSet created by a Deployment (name = deployment
    /// name + "-" + pod-template-hash) maps to the Deployment, a Job named by a CronJob stays a Job.
    /// </summary>
    public static (string Kind, string Name) Workload(V1Pod pod)
    {
        var owner = pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true)
            ?? pod.Metadata?.OwnerReferences?.FirstOrDefault();
        if (owner is null)
        {
            return ("", "");
        }

        if (owner.Kind == "ReplicaSet")
        {
            var hash = pod.Metadata?.Labels is { } labels && labels.TryGetValue("pod-template-hash", out var h) ? h : null;
            if (hash is not null && owner.Name.EndsWith("-" + hash, StringComparison.Ordinal))
            {
                return ("Deployment", owner.Name[..^(hash.Length + 1)]);
            }
        }

        return (owner.Kind, owner.Name);
    }

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
