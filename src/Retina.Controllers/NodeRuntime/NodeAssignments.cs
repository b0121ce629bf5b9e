using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.NodeRuntime;

/// <summary>What became of a change to one entry of a node's assignment list.</summary>
public enum AssignmentOutcome
{
    /// <summary>The node's list holds the change.</summary>
    Written,

    /// <summary>The node has no NodeRuntime yet.</summary>
    NoRuntime,

    /// <summary>A new entry would take the node's list past its schema cap: nothing was written.</summary>
    NodeFull,
}

/// <summary>
/// Reads and writes one work item's entry in a list of a node's NodeRuntime spec (spec.captures, spec.traces).
/// Several items share each list, so every write carries the resourceVersion it was computed from and is retried
/// against a fresh read on 409. Only the list named is written: the other lists and sections are left as they are.
/// </summary>
/// <param name="field">The spec field (JSON name) of the list.</param>
/// <param name="listOf">Reads the list from a spec.</param>
/// <param name="keyOf">An entry's unique key.</param>
/// <param name="cap">The list's schema cap (past it the API server refuses every later write of the node's spec).</param>
public sealed class NodeAssignments<T>(IKubeClient client, string field, Func<NodeRuntimeSpec, List<T>?> listOf, Func<T, string> keyOf, int cap)
    where T : class
{
    private const int MaxAttempts = 8;

    /// <summary>Removes the entry with <paramref name="key"/> from every runtime whose list has it (a finished or deleted item). Idempotent.</summary>
    public async Task WithdrawAsync(IEnumerable<NodeRuntimeObject> runtimes, string key, CancellationToken ct)
    {
        foreach (var runtime in runtimes.Where(r => listOf(r.Spec)?.Any(a => keyOf(a) == key) == true).ToList())
        {
            await ChangeAsync(runtime.Metadata.Name, key, _ => null, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Changes the entry with <paramref name="key"/> (null removes it); a new entry is never added to a full list.</summary>
    public async Task<AssignmentOutcome> ChangeAsync(string node, string key, Func<T?, T?> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var runtime = await client.GetAsync<NodeRuntimeObject>(node, null, ct).ConfigureAwait(false);
            if (runtime is null)
            {
                return AssignmentOutcome.NoRuntime;
            }

            var list = listOf(runtime.Spec) ?? [];
            var current = list.FirstOrDefault(a => keyOf(a) == key);
            var next = change(current);
            if (Same(current, next))
            {
                return AssignmentOutcome.Written;
            }

            if (current is null && next is not null && list.Count >= cap)
            {
                return AssignmentOutcome.NodeFull;
            }

            var updated = list.Where(a => keyOf(a) != key).ToList();
            if (next is not null)
            {
                updated.Add(next);
            }

            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = runtime.Metadata.ResourceVersion },
                ["spec"] = new JsonObject { [field] = JsonSerializer.SerializeToNode(updated.OrderBy(keyOf, StringComparer.Ordinal).ToList(), Json) },
            };
            try
            {
                await client.PatchAsync<NodeRuntimeObject>(node, null, KubePatch.Merge(patch), ct).ConfigureAwait(false);
                return AssignmentOutcome.Written;
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * Random.Shared.Next(1, 4)), ct).ConfigureAwait(false);
            }
        }
    }

    private static bool Same(T? a, T? b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}

/// <summary>The two assignment lists of a NodeRuntime spec.</summary>
public static class NodeAssignmentLists
{
    public static NodeAssignments<NodeCaptureAssignment> Captures(IKubeClient client) =>
        new(client, "captures", s => s.Captures, a => a.Key, NodeRuntimeSpec.MaxCaptures);

    public static NodeAssignments<NodeTraceAssignment> Traces(IKubeClient client) =>
        new(client, "traces", s => s.Traces, a => a.Key, NodeRuntimeSpec.MaxTraces);
}
