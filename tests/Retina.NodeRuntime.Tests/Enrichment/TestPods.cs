using k8s.Models;

namespace Retina.NodeRuntime.Tests.Enrichment;

/// <summary>Pod objects for tests.</summary>
public static class TestPods
{
    public static V1Pod Pod(string ns, string name, string? ip, string node = "node1", string? deployment = null, IDictionary<string, string>? labels = null)
    {
        var l = labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels);
        var owners = new List<V1OwnerReference>();
        if (deployment is not null)
        {
            l["pod-template-hash"] = "7d9f8c6b5";
            owners.Add(new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = deployment + "-7d9f8c6b5", Uid = "uid-rs-" + deployment, Controller = true });
        }

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Uid = "uid-" + ns + "-" + name,
                Labels = l,
                OwnerReferences = owners.Count > 0 ? owners : null,
            },
            Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "busybox" }] },
            Status = ip is null ? null : new V1PodStatus { PodIP = ip, PodIPs = [new V1PodIP { Ip = ip }], Phase = "Running" },
        };
    }
}
