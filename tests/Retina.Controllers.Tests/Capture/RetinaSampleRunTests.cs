using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Store;
using Retina.Testing.Repo;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Capture;

/// <summary>
/// Each of Retina's Capture samples (config/samples/retina) applied to the fake API with the nodes, pods and Secrets it
/// names, and run by the controllers with the meaning its comments give: which nodes, which filter, how long, how big.
/// </summary>
public sealed class RetinaSampleRunTests
{
    private const string Node0 = "aks-nodepool1-11396069-vmss000000";
    private const string Node1 = "aks-nodepool1-11396069-vmss000001";
    private static readonly CancellationToken None = CancellationToken.None;

    private static CaptureObject Load(string file)
    {
        var json = YamlJson.ParseAll(File.ReadAllText(RepoPaths.Combine("config/samples/retina", file))).Single();
        var capture = System.Text.Json.JsonSerializer.Deserialize<CaptureObject>(json.ToJsonString())!;
        capture.Metadata.NamespaceProperty ??= "default";
        return capture;
    }

    private static async Task<ControllerHarness> ClusterAsync(Action<Retina.Controllers.Options.RetinaControllerOptions>? configure = null)
    {
        var h = await ControllerHarness.StartAsync(configure);
        foreach (var node in new[] { Node0, Node1, "aks-nodepool1-11396069-vmss000002" })
        {
            await h.AddNodeAsync(node, new() { ["kubernetes.io/hostname"] = node, ["kubernetes.io/os"] = "linux" });
        }

        await h.Client.CreateAsync(Objects.Secret("default", "blobsassecret", new() { ["blob-upload-url"] = "https://acct.blob.core.windows.net/c?sv=1&sig=s" }), None);
        await h.Client.CreateAsync(Objects.Secret("default", "capture-s3-upload-secret", new() { ["s3-access-key-id"] = "id", ["s3-secret-access-key"] = "key" }), None);
        return h;
    }

    private static async Task<NodeCaptureAssignment?> AssignmentOn(ControllerHarness h, string node) =>
        (await h.Client.GetAsync<NodeRuntimeObject>(node, null, None))?.Spec.Captures?.SingleOrDefault();

    private static async Task<Dictionary<string, NodeCaptureAssignment>> AssignedAsync(ControllerHarness h, CaptureObject sample, int nodes)
    {
        await h.Client.CreateAsync(sample, None);
        var assigned = new Dictionary<string, NodeCaptureAssignment>();
        await Until.TrueAsync(async () =>
        {
            assigned.Clear();
            foreach (var n in new[] { Node0, Node1, "aks-nodepool1-11396069-vmss000002" })
            {
                if (await AssignmentOn(h, n) is { } a)
                {
                    assigned[n] = a;
                }
            }

            return assigned.Count == nodes;
        }, $"{nodes} node(s) get the capture");
        return assigned;
    }

    [Fact]
    public async Task Node_rotating_capture_keeps_fileCount_files_of_maxCaptureSize_on_every_linux_node_until_deleted()
    {
        await using var h = await ClusterAsync();
        var sample = Load("node-rotating-capture.yaml");

        var assigned = await AssignedAsync(h, sample, 3);
        foreach (var a in assigned.Values)
        {
            a.Duration.ShouldBeNull("Without duration, capture runs until deleted");
            a.MaxCaptureSizeMb.ShouldBe(100, "Per-file size limit in MB");
            a.FileCount.ShouldBe(10);
            a.IncludeMetadata.ShouldBeTrue();
            a.HostPath.ShouldBe("retina/captures");
        }

        var c = await Until.ValueAsync(() => h.Client.GetAsync<CaptureObject>("rotating-capture", "default", None), x => x?.Status?.EffectiveOptions is not null, "effective options");
        c!.Status!.EffectiveOptions!.StopsWhen!.ShouldContain("1000 MB in all", customMessage: "Total buffer size = maxCaptureSize x fileCount (e.g., 100MB x 10 = 1GB)");
        await h.Client.DeleteAsync<CaptureObject>("rotating-capture", "default", None);
        await Until.TrueAsync(async () => (await Task.WhenAll(assigned.Keys.Select(n => AssignmentOn(h, n)))).All(a => a is null), "deleting it stops every node");
    }

    [Fact]
    public async Task Capture_specific_pod_on_a_node_runs_on_that_node_only_with_the_include_filters_for_ten_minutes()
    {
        await using var h = await ClusterAsync();
        var assigned = await AssignedAsync(h, Load("capture-specific-pod-on-a-node.yaml"), 1);

        var a = assigned.ShouldHaveSingleItem();
        a.Key.ShouldBe(Node1);
        a.Value.Include.ShouldBe(["10.224.0.128:80", "10.224.0.129"]);
        a.Value.Exclude.ShouldBeNull("the exclude is commented out");
        a.Value.Duration.ShouldBe("10m");
        a.Value.BlobSecret.ShouldBe("blobsassecret");
        a.Value.HostPath.ShouldBe("retina");
    }

    [Theory]
    [InlineData("node-s3upload-aws.yaml", "ap-northeast-2", null)]
    [InlineData("node-s3upload-minio.yaml", null, "https://play.min.io:9000")]
    public async Task The_s3_samples_capture_both_named_nodes_and_upload_to_the_bucket(string file, string? region, string? endpoint)
    {
        await using var h = await ClusterAsync();
        var assigned = await AssignedAsync(h, Load(file), 2);

        assigned.Keys.Order(StringComparer.Ordinal).ShouldBe([Node0, Node1]);
        foreach (var a in assigned.Values)
        {
            a.S3!.Bucket.ShouldBe("retina-bucket");
            a.S3.Path.ShouldBe("retina/captures");
            a.S3.Region.ShouldBe(region);
            a.S3.Endpoint.ShouldBe(endpoint);
            a.S3.SecretName.ShouldBe("capture-s3-upload-secret");
            a.Duration.ShouldBe("10m");
        }
    }

    [Fact]
    public async Task Nodeblobupload_captures_both_named_nodes_to_the_host_path_and_blob()
    {
        await using var h = await ClusterAsync();
        var assigned = await AssignedAsync(h, Load("nodeblobupload.yaml"), 2);

        assigned.Keys.Order(StringComparer.Ordinal).ShouldBe([Node0, Node1]);
        assigned.Values.ShouldAllBe(a => a.BlobSecret == "blobsassecret" && a.HostPath == "retina" && a.PodIps == null);
    }

    [Fact]
    public async Task Podblobupload_captures_the_selected_pods_of_kube_system_by_their_ips()
    {
        await using var h = await ClusterAsync(o => o.CrossNamespaceCapture = ["kube-system"]);
        await h.Client.CreateAsync(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = "kube-system", Labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" } } }, None);
        await h.AddPodAsync(Objects.Pod("kube-system", "cloud-node-manager-a", Node0, "10.224.0.4", new() { ["k8s-app"] = "cloud-node-manager" }));
        await h.AddPodAsync(Objects.Pod("kube-system", "coredns-1", Node1, "10.224.0.9", new() { ["k8s-app"] = "kube-dns" }));

        var assigned = await AssignedAsync(h, Load("podblobupload.yaml"), 1);

        var a = assigned.ShouldHaveSingleItem();
        a.Key.ShouldBe(Node0);
        a.Value.PodIps.ShouldBe(["10.224.0.4"]);
        a.Value.BlobSecret.ShouldBe("blobsassecret");
    }
}
