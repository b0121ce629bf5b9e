using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Support;

/// <summary>Plays a node runtime's part in controller tests: writes what a node reports into its NodeRuntime status.</summary>
public static class NodeReports
{
    public static Task ReportAsync(IKubeClient client, string node, params NodeWorkStatus[] captures) =>
        client.PatchStatusAsync<NodeRuntimeObject>(node, null, KubePatch.Merge(new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["heartbeatTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["captures"] = JsonSerializer.SerializeToNode(captures, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }),
            },
        }), CancellationToken.None);

    public static Task HeartbeatAsync(IKubeClient client, string node, DateTime at) =>
        client.PatchStatusAsync<NodeRuntimeObject>(node, null, KubePatch.Merge(new JsonObject
        {
            ["status"] = new JsonObject { ["heartbeatTime"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ") },
        }), CancellationToken.None);
}
