using System.Net;
using k8s.Models;

namespace Retina.Api.RetinaEndpoint;

/// <summary>
/// The rules that turn a Pod into what enrichment knows of it, shared by the controllers (which write
/// <see cref="RetinaEndpoint"/>s) and the node runtime (which reads pods of its own node directly).
/// </summary>
public static class PodEndpointProjection
{
    /// <summary>
    /// The pod's addresses, normalised (status.podIPs, else status.podIP). Host-network pods share the node's
    /// address, so they name no address (as in Retina); nor do finished pods, whose address may be reused.
    /// </summary>
    public static IReadOnlyList<IPAddress> Addresses(V1Pod pod)
    {
        if (pod.Spec?.HostNetwork == true || pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return [];
        }

        var list = new List<IPAddress>(2);
        foreach (var ip in pod.Status?.PodIPs ?? [])
        {
            if (IPAddress.TryParse(ip.Ip, out var a) && !list.Contains(a))
            {
                list.Add(a);
            }
        }

        if (list.Count == 0 && IPAddress.TryParse(pod.Status?.PodIP, out var single))
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

    /// <summary>
    /// The endpoint a pod is mirrored to, or null when it has none: a pod not yet scheduled, or on the host network
    /// (its address is its node's, which names no pod).
    /// </summary>
    public static RetinaEndpointSpec? Spec(V1Pod pod)
    {
        if (string.IsNullOrEmpty(pod.Spec?.NodeName) || pod.Spec.HostNetwork == true)
        {
            return null;
        }

        var (kind, name) = Workload(pod);
        var ips = Addresses(pod);
        return new RetinaEndpointSpec
        {
            PodUid = pod.Metadata?.Uid,
            PodIps = ips.Count == 0 ? null : [.. ips.Select(a => a.ToString())],
            NodeName = pod.Spec.NodeName,
            WorkloadKind = kind.Length == 0 ? null : kind,
            WorkloadName = name.Length == 0 ? null : name,
            Labels = pod.Metadata?.Labels is { Count: > 0 } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : null,
        };
    }

    /// <summary>True when two specs say the same (no write needed).</summary>
    public static bool Same(RetinaEndpointSpec? a, RetinaEndpointSpec? b) =>
        a is not null && b is not null
        && a.PodUid == b.PodUid && a.NodeName == b.NodeName && a.WorkloadKind == b.WorkloadKind && a.WorkloadName == b.WorkloadName
        && (a.PodIps ?? []).SequenceEqual(b.PodIps ?? [])
        && (a.Labels ?? []).Count == (b.Labels ?? []).Count
        && (a.Labels ?? []).All(kv => b.Labels!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
