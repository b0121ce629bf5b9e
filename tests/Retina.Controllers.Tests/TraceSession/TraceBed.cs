using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.Tests.TraceSession;

/// <summary>TraceSession builders and the node's part: reading assignments, reporting status.traces[] as the runtime will.</summary>
internal static class TraceBed
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static TraceObject PodTrace(string ns, string name, string app = "web", string? duration = "10m")
    {
        var t = new TraceObject();
        t.Metadata.Name = name;
        t.Metadata.NamespaceProperty = ns;
        t.Spec.Target = new CaptureTarget { PodSelector = new LabelSelector { MatchLabels = new() { ["app"] = app } } };
        t.Spec.Duration = duration;
        t.Spec.Events = ["drop", "dns"];
        t.Spec.OutputConfiguration = new OutputConfiguration { HostPath = "traces" };
        return t;
    }

    public static TraceObject NodeTrace(string ns, string name, string? duration = "10m")
    {
        var t = PodTrace(ns, name, duration: duration);
        t.Spec.Target = new CaptureTarget { NodeSelector = new LabelSelector() };
        return t;
    }

    public static Task<TraceObject?> Get(ControllerHarness h, string ns, string name) => h.Client.GetAsync<TraceObject>(name, ns, None);

    public static Task<NodeRuntimeObject?> Runtime(ControllerHarness h, string node) => h.Client.GetAsync<NodeRuntimeObject>(node, null, None);

    public static async Task<NodeTraceAssignment> AssignmentOn(ControllerHarness h, string node, Func<NodeTraceAssignment, bool>? accept = null, string? because = null) =>
        (await Until.ValueAsync(() => Runtime(h, node), r => r?.Spec.Traces is [var a] && (accept?.Invoke(a) ?? true), because ?? $"{node} gets a trace assignment"))!.Spec.Traces![0];

    public static Task WithdrawnFrom(ControllerHarness h, string node, string because) =>
        Until.TrueAsync(async () => (await Runtime(h, node))?.Spec.Traces is null or { Count: 0 }, because);

    /// <summary>Writes the node's report of its traces, with a fresh heartbeat, as the node runtime's TraceRunner does.</summary>
    public static Task ReportAsync(IKubeClient client, string node, params NodeTraceStatus[] traces) =>
        client.PatchStatusAsync<NodeRuntimeObject>(node, null, KubePatch.Merge(new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["heartbeatTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["traces"] = JsonSerializer.SerializeToNode(traces, Json),
            },
        }), None);
}
