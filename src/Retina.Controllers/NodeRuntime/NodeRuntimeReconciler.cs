using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Api.MetricsConfiguration;
using Retina.Controllers.MetricsConfiguration;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Informers;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;

namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// The only writer of NodeRuntime.spec.plugins and .metrics: one NodeRuntime per Node, carrying the configured
/// plugins and the merge of every accepted MetricsConfiguration. One write per node per change, none when equal.
/// </summary>
public sealed class NodeRuntimeReconciler(IKubeClient client, RetinaControllerOptions options) : IReconciler
{
    private static readonly MetricsConfigurationValidator Validator = new();

    public ObjectCache<V1Node>? Nodes { get; set; }

    public ObjectCache<NodeRuntimeObject>? Runtimes { get; set; }

    public ObjectCache<MetricsConfig>? Configs { get; set; }

    /// <summary>Pods and namespaces, for the <c>retina.sh: observe</c> annotation; set only when EnableAnnotations is on.</summary>
    public ObjectCache<V1Pod>? Pods { get; set; }

    public ObjectCache<V1Namespace>? Namespaces { get; set; }

    /// <summary>CapturePolicies, for the flight recorder their pre-trigger packets need (null: none watched).</summary>
    public ObjectCache<Api.CapturePolicy.CapturePolicy>? Policies { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var runtimeKey = ObjectKey.Cluster(key.Name);
        var node = Nodes!.Get(key);
        var runtime = Runtimes!.Get(runtimeKey);
        if (node is null)
        {
            if (runtime is not null)
            {
                await client.DeleteAsync<NodeRuntimeObject>(key.Name, null, cancellationToken).ConfigureAwait(false);
            }

            return ReconcileResult.Done;
        }

        var accepted = Configs!.List().Where(c => c.Metadata.DeletionTimestamp is null && Validator.Validate(c).IsValid);
        var observed = options.Agent.EnableAnnotations && Pods is not null && Namespaces is not null
            ? ObserveAnnotation.Observed(key.Name, Namespaces.List(), Pods.List())
            : null;
        var metrics = ObserveAnnotation.Merge(options.Agent.EnablePodLevel ? MetricsMerger.Merge(accepted) : null, options.Agent.EnablePodLevel ? observed : null, options.Agent.AnnotationMetricsTtl);
        var desired = NodeRuntimeSpecBuilder.Desired(options.Plugins, metrics, AgentKnobs.PluginSettings(options), NodeFlightRecorderDesired.For(node, Policies?.List() ?? []),
            NodeTriggersDesired.For(node, Policies?.List() ?? []));
        if (runtime is null)
        {
            var created = new NodeRuntimeObject();
            created.Metadata.Name = key.Name;
            created.Metadata.OwnerReferences =
            [
                new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = node.Metadata.Name, Uid = node.Metadata.Uid },
            ];
            created.Spec = desired.Deserialize<Api.NodeRuntime.NodeRuntimeSpec>()!;
            try
            {
                Runtimes.Upsert(await client.CreateAsync(created, cancellationToken).ConfigureAwait(false));
            }
            catch (KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // The cache was behind; the watch event will bring the object and another pass.
            }

            return ReconcileResult.Done;
        }

        var patch = NodeRuntimeSpecBuilder.Patch(runtime.Spec, desired);
        var owners = OwnersIfStale(runtime, node);
        if (patch is not null || owners is not null)
        {
            var body = new JsonObject();
            if (patch is not null)
            {
                body["spec"] = patch;
            }

            if (owners is not null)
            {
                body["metadata"] = new JsonObject { ["ownerReferences"] = owners };
            }

            var patched = await client.PatchAsync<NodeRuntimeObject>(key.Name, null, KubePatch.Merge(body), cancellationToken)
                .ConfigureAwait(false);

            // Another event may bring this key back before the watch delivers our own write: read our write, not the stale copy.
            Runtimes.Upsert(patched);
        }

        return ReconcileResult.Done;
    }

    /// <summary>
    /// The owner references to write when the one to the Node names another uid (a Node deleted and created again under
    /// the same name): left stale, garbage collection would delete the NodeRuntime of a live node. Null when current.
    /// A merge patch replaces the list whole, so owners other than the Node are kept.
    /// </summary>
    private static JsonNode? OwnersIfStale(NodeRuntimeObject runtime, V1Node node)
    {
        var current = runtime.Metadata.OwnerReferences ?? [];
        if (current.Any(o => o.Kind == "Node" && o.ApiVersion == "v1" && o.Uid == node.Metadata.Uid))
        {
            return null;
        }

        var owners = current.Where(o => !(o.Kind == "Node" && o.ApiVersion == "v1"))
            .Append(new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = node.Metadata.Name, Uid = node.Metadata.Uid })
            .ToList();
        return JsonNode.Parse(k8s.KubernetesJson.Serialize(owners));
    }
}
