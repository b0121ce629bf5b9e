using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Capture;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Faults;

/// <summary>
/// One Capture's whole life through the real controllers: a node appears (its NodeRuntime is created), the Capture
/// is assigned (beside a MetricsConfiguration), the node reports it done with a tarball for a PVC, the copy Job runs, the Capture completes and
/// its assignment is withdrawn. The test plays the user, the node and the Job controller; the rest is ours.
/// </summary>
internal static class CaptureLife
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    /// <summary>Writes the test makes itself (as the user, the node or the kubelet), not the controllers.</summary>
    public static bool ByTheTest((string Verb, string Plural, string Subresource) write) => write switch
    {
        ("create", "nodes" or "captures" or "persistentvolumeclaims" or "metricsconfigurations", _) => true,
        (_, "noderuntimes", "status") => true,
        (_, "jobs", "status") => true,
        _ => false,
    };

    public static async Task<CaptureObject> RunAsync(ControllerHarness h)
    {
        await h.AddNodeAsync("n1", new() { [PvcCopyJob.HostnameLabel] = "n1" });
        var metrics = new Api.MetricsConfiguration.MetricsConfiguration();
        metrics.Metadata.Name = "pods";
        metrics.Spec.ContextOptions = [new Api.MetricsConfiguration.MetricsContextOptions { MetricName = "forward_count", SourceLabels = ["ip", "podname"] }];
        metrics.Spec.Namespaces = new Api.MetricsConfiguration.MetricsNamespaces { Include = ["shop"] };
        await h.Client.CreateAsync(metrics, None);
        await h.Client.CreateAsync(new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = new() { Name = "store", NamespaceProperty = "shop" },
            Spec = new() { AccessModes = ["ReadWriteMany"] },
        }, None);
        var c = Objects.NodeCapture("shop", "life");
        c.Spec.OutputConfiguration.HostPath = null;
        c.Spec.OutputConfiguration.PersistentVolumeClaim = "store";
        var created = await h.Client.CreateAsync(c, None);

        var runtime = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n1", null, None),
            r => r?.Spec.Captures?.Count == 1 && r.Spec.Metrics?.Sources?.Count == 1, "n1 is assigned the capture and the metrics", Step);
        await Until.ValueAsync(() => h.Client.GetAsync<Api.MetricsConfiguration.MetricsConfiguration>("pods", null, None),
            m => m?.Status?.State == Api.MetricsConfiguration.MetricsState.Accepted, "the metrics configuration is Accepted", Step);
        var assignment = runtime!.Spec.Captures![0];
        await NodeReports.ReportAsync(h.Client, "n1", new NodeWorkStatus
        {
            Key = assignment.Key,
            Phase = "Completed",
            Artifacts = [new CaptureArtifact { Node = "n1", Output = "hostPath", Location = $"/var/log/retina/captures/{assignment.HostPath}/life-n1.tar.gz" }],
        });

        var job = await Until.ValueAsync(() => h.Client.GetAsync<V1Job>(PvcCopyJob.Name(created, "n1"), "shop", None), j => j is not null, "the copy Job exists", Step);
        await h.Client.PatchStatusAsync<V1Job>(job!.Metadata.Name, "shop", KubePatch.Merge(new System.Text.Json.Nodes.JsonObject { ["status"] = new System.Text.Json.Nodes.JsonObject { ["succeeded"] = 1 } }), None);
        var done = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("life", "shop", None), x => x?.Status?.Phase == CapturePhase.Completed, "the capture completes", Step);
        await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n1", null, None), r => (r?.Spec.Captures ?? []).Count == 0, "the assignment is withdrawn", Step);
        return done!;
    }

    /// <summary>The writes the controllers made, by verb, plural and subresource.</summary>
    public static List<(string Verb, string Plural, string Subresource)> ControllerWrites(FakeKubeApiServer api) =>
        [.. api.Requests.Keys.Where(k => k.Verb is "create" or "update" or "patch" or "delete").Where(k => !ByTheTest(k)).Distinct().OrderBy(k => k.ToString(), StringComparer.Ordinal)];
}
