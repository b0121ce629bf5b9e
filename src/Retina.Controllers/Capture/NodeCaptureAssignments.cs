using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Capture;

/// <summary>
/// Reads and writes one Capture's entry in a node's NodeRuntime.spec.captures. Several Captures share the list,
/// so every write carries the resourceVersion it was computed from and is retried against a fresh read on 409.
/// </summary>
public sealed class NodeCaptureAssignments(IKubeClient client)
{
    private const int MaxAttempts = 8;

    /// <summary>What became of a change.</summary>
    public enum Outcome
    {
        /// <summary>The node's list holds the change.</summary>
        Written,

        /// <summary>The node has no NodeRuntime yet.</summary>
        NoRuntime,

        /// <summary>A new entry would take the node's list past <see cref="NodeRuntimeSpec.MaxCaptures"/>: nothing was written.</summary>
        NodeFull,
    }

    /// <summary>Changes the entry with <paramref name="key"/> (null removes it); a new entry is never added to a full list.</summary>
    public async Task<Outcome> ChangeAsync(string node, string key, Func<NodeCaptureAssignment?, NodeCaptureAssignment?> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var runtime = await client.GetAsync<NodeRuntimeObject>(node, null, ct).ConfigureAwait(false);
            if (runtime is null)
            {
                return Outcome.NoRuntime;
            }

            var list = runtime.Spec.Captures ?? [];
            var current = list.FirstOrDefault(a => a.Key == key);
            var next = change(current);
            if (Same(current, next))
            {
                return Outcome.Written;
            }

            // Past the cap the API server would refuse every later write of this node's spec, other Captures' included.
            if (current is null && next is not null && list.Count >= NodeRuntimeSpec.MaxCaptures)
            {
                return Outcome.NodeFull;
            }

            var updated = list.Where(a => a.Key != key).ToList();
            if (next is not null)
            {
                updated.Add(next);
            }

            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = runtime.Metadata.ResourceVersion },
                ["spec"] = new JsonObject { ["captures"] = JsonSerializer.SerializeToNode(updated.OrderBy(a => a.Key, StringComparer.Ordinal).ToList(), Json) },
            };
            try
            {
                await client.PatchAsync<NodeRuntimeObject>(node, null, KubePatch.Merge(patch), ct).ConfigureAwait(false);
                return Outcome.Written;
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * Random.Shared.Next(1, 4)), ct).ConfigureAwait(false);
            }
        }
    }

    private static bool Same(NodeCaptureAssignment? a, NodeCaptureAssignment? b) =>
        JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
