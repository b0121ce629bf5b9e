using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi;

/// <summary>
/// What the fake API lacks for Jobs: the Job controller (one pod per Job, labelled as Kubernetes labels it, Job
/// <c>status.active</c>) and the scheduler's verdict for that pod, written as a real cluster writes them. It judges
/// what matters to a copy Job: <c>nodeName</c> skips the scheduler (so a <c>WaitForFirstConsumer</c> claim never
/// binds, and the pod waits in ContainerCreating); required node affinity is matched against Node labels; a
/// claim must exist; a claim bound to a node (<c>volume.kubernetes.io/selected-node</c>, a topology-limited volume)
/// makes other nodes a volume node affinity conflict; an unbound claim (<c>status.phase: Pending</c>, WaitForFirstConsumer)
/// binds to the node the scheduler picks. A pod that fits nowhere stays Pending with <c>PodScheduled=False</c>,
/// reason Unschedulable and the scheduler's "0/N nodes are available" message, and is retried. Containers never run:
/// tests say when a Job succeeds by patching its status.
/// </summary>
public sealed class FakeJobScheduler : FakePollingLoop
{
    public const string SelectedNodeAnnotation = "volume.kubernetes.io/selected-node";
    private readonly IKubeClient client;

    private FakeJobScheduler(IKubeClient client)
    {
        this.client = client;
        StartLoop();
    }

    public static FakeJobScheduler Start(IKubeClient client) => new(client);

    /// <summary>One pass over every Job; the loop runs this every 50 ms.</summary>
    public override async Task SyncAsync(CancellationToken ct)
    {
        var nodes = (await client.ListAsync<V1Node>(new ListOptions(), ct)).Items;
        foreach (var job in (await client.ListAsync<V1Job>(new ListOptions(), ct)).Items)
        {
            if (job.Status?.Succeeded > 0 || job.Status?.Conditions?.Any(c => c.Status == "True") == true)
            {
                continue;
            }

            var ns = job.Metadata.NamespaceProperty;
            var podName = job.Metadata.Name + "-copy0";
            var pod = await client.GetAsync<V1Pod>(podName, ns, ct);
            if (pod is null)
            {
                pod = await client.CreateAsync(PodFor(job, podName), ct);
                await client.PatchStatusAsync<V1Job>(job.Metadata.Name, ns, KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["active"] = 1 } }), ct);
            }

            if (pod.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "True") == true)
            {
                continue;
            }

            await ScheduleAsync(pod, nodes, ct);
        }
    }

    private async Task ScheduleAsync(V1Pod pod, IReadOnlyList<V1Node> nodes, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var claims = new List<V1PersistentVolumeClaim>();
        foreach (var name in pod.Spec.Volumes?.Where(v => v.PersistentVolumeClaim is not null).Select(v => v.PersistentVolumeClaim.ClaimName) ?? [])
        {
            if (await client.GetAsync<V1PersistentVolumeClaim>(name, ns, ct) is not { } claim)
            {
                await WriteStatusAsync(pod, "Pending", scheduled: false, "Unschedulable", $"0/{nodes.Count} nodes are available: persistentvolumeclaim \"{name}\" not found.", ct);
                return;
            }

            claims.Add(claim);
        }

        if (pod.Spec.NodeName is { } bound)
        {
            // Bound without the scheduler: nothing binds a WaitForFirstConsumer claim for it.
            var unbound = claims.FirstOrDefault(c => c.Status?.Phase != "Bound");
            await WriteStatusAsync(pod, "Pending", scheduled: true, null, null, ct,
                unbound is null ? null : $"volume {unbound.Metadata.Name} is not bound: pod was given nodeName {bound}, so no scheduler selected a node for the claim");
            return;
        }

        int affinityMisses = 0, volumeConflicts = 0;
        V1Node? chosen = null;
        foreach (var node in nodes.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal))
        {
            if (!MatchesAffinity(pod, node))
            {
                affinityMisses++;
            }
            else if (claims.Any(c => c.Metadata.Annotations?.TryGetValue(SelectedNodeAnnotation, out var selected) == true && selected != node.Metadata.Name))
            {
                volumeConflicts++;
            }
            else
            {
                chosen ??= node;
            }
        }

        if (chosen is null)
        {
            var parts = new List<string>();
            if (affinityMisses > 0)
            {
                parts.Add($"{affinityMisses} node(s) didn't match Pod's node affinity/selector");
            }

            if (volumeConflicts > 0)
            {
                parts.Add($"{volumeConflicts} node(s) had volume node affinity conflict");
            }

            await WriteStatusAsync(pod, "Pending", scheduled: false, "Unschedulable", $"0/{nodes.Count} nodes are available: {string.Join(", ", parts)}.", ct);
            return;
        }

        foreach (var claim in claims.Where(c => c.Status?.Phase != "Bound"))
        {
            await client.PatchAsync<V1PersistentVolumeClaim>(claim.Metadata.Name, ns, KubePatch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [SelectedNodeAnnotation] = chosen.Metadata.Name } },
            }), ct);
            await client.PatchStatusAsync<V1PersistentVolumeClaim>(claim.Metadata.Name, ns, KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["phase"] = "Bound" } }), ct);
        }

        await client.PatchAsync<V1Pod>(pod.Metadata.Name, ns, KubePatch.Merge(new JsonObject { ["spec"] = new JsonObject { ["nodeName"] = chosen.Metadata.Name } }), ct);
        await WriteStatusAsync(pod, "Pending", scheduled: true, null, null, ct);
    }

    private static bool MatchesAffinity(V1Pod pod, V1Node node)
    {
        var terms = pod.Spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        var selectorOk = pod.Spec.NodeSelector?.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value) ?? true;
        return selectorOk && (terms is null || terms.Any(t => t.MatchExpressions?.All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => false,
        }) ?? true));
    }

    private static V1Pod PodFor(V1Job job, string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = job.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>(job.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>())
            {
                ["batch.kubernetes.io/job-name"] = job.Metadata.Name,
                ["job-name"] = job.Metadata.Name,
                ["batch.kubernetes.io/controller-uid"] = job.Metadata.Uid,
            },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid, Controller = true }],
        },
        Spec = job.Spec.Template.Spec,
    };

    private async Task WriteStatusAsync(V1Pod pod, string phase, bool scheduled, string? reason, string? message, CancellationToken ct, string? waiting = null)
    {
        var status = new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = scheduled ? "True" : "False",
                ["reason"] = reason,
                ["message"] = message,
            }),
        };
        if (waiting is not null)
        {
            status["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = pod.Spec.Containers[0].Name,
                ["ready"] = false,
                ["restartCount"] = 0,
                ["image"] = pod.Spec.Containers[0].Image,
                ["imageID"] = "",
                ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating", ["message"] = waiting } },
            });
        }

        await client.PatchStatusAsync<V1Pod>(pod.Metadata.Name, pod.Metadata.NamespaceProperty, KubePatch.Merge(new JsonObject { ["status"] = status }), ct);
    }
}
