using k8s.Models;
using Retina.Api.Capture;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;
using Retina.Testing.Tls;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;

namespace Retina.Controllers.Tests.Credentials;

/// <summary>A node obtains the credentials of captures assigned to it, while they are, and nothing else (issue 10, item 3).</summary>
public sealed class NodeCredentialEndpointTests
{
    private const string Sas = "https://acct.blob.core.windows.net/caps?sv=2026&sig=NODEASECRETSIG";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_node_gets_its_own_captures_credentials_and_another_node_is_refused()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await AssignedToNodeAAsync(bed);

        var own = await bed.ClientFor("node-a").FetchAsync(a, None);
        own.Problem.ShouldBeNull();
        own.Values!.BlobUploadUrl.ShouldBe(Sas);

        var stolen = await bed.ClientFor("node-b").FetchAsync(a, None);
        stolen.Values.ShouldBeNull();
        stolen.Problem.ShouldBe($"the credential endpoint refused: 403 capture {a.Key} is not assigned to node node-b");
    }

    [Fact]
    public async Task Access_ends_when_the_assignment_is_withdrawn()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await AssignedToNodeAAsync(bed);
        var node = bed.ClientFor("node-a");
        (await node.FetchAsync(a, None)).Values.ShouldNotBeNull();

        await bed.Harness.Client.DeleteAsync<CaptureObject>("to-blob", "team-a", None);
        await Until.TrueAsync(async () => await bed.Harness.Client.GetAsync<CaptureObject>("to-blob", "team-a", None) is null, "the capture is gone");

        var after = await node.FetchAsync(a, None);
        after.Values.ShouldBeNull();
        after.Problem!.ShouldContain("403");
    }

    [Fact]
    public async Task Tokens_for_another_audience_another_account_or_no_node_are_refused()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await AssignedToNodeAAsync(bed);

        // The API server's own audience: a token stolen from the node's API client does not work here.
        (await bed.ClientFor("node-a", FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "node-a")).FetchAsync(a, None))
            .Problem.ShouldBe("the credential endpoint refused: 401 the token was not accepted for audience \"retina.sh/node-credentials\"");

        // Another workload on the same node, even with our audience.
        (await bed.ClientFor("node-a", FakeUser.ServiceAccount("team-a", "default", "node-a", NodeCredentialBed.Audience)).FetchAsync(a, None))
            .Problem.ShouldBe("the credential endpoint refused: 403 only the node runtime's service account (system:serviceaccount:retina-system:retina-node-runtime) may fetch capture credentials, not system:serviceaccount:team-a:default");

        // Our account, but a token bound to no pod or node (a legacy Secret-based token).
        (await bed.ClientFor("node-a", FakeUser.ServiceAccount("retina-system", "retina-node-runtime", null, NodeCredentialBed.Audience)).FetchAsync(a, None))
            .Problem!.ShouldContain("403 the token is not bound to a pod or node");
    }

    [Fact]
    public async Task Without_the_node_claim_the_node_is_the_one_the_tokens_pod_runs_on()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await AssignedToNodeAAsync(bed);
        var pod = await bed.Harness.Client.CreateAsync(Objects.Pod("retina-system", "retina-node-runtime-x1", "node-a", "10.0.0.9"), None);
        var user = new FakeUser("system:serviceaccount:retina-system:retina-node-runtime", ["system:serviceaccounts", "system:authenticated"],
            new Dictionary<string, IReadOnlyList<string>>
            {
                ["authentication.kubernetes.io/pod-name"] = [pod.Metadata.Name],
                ["authentication.kubernetes.io/pod-uid"] = [pod.Metadata.Uid],
            })
        { Audiences = [NodeCredentialBed.Audience] };

        (await bed.ClientFor("node-a", user).FetchAsync(a, None)).Values!.BlobUploadUrl.ShouldBe(Sas);

        await bed.Harness.Client.DeleteAsync<V1Pod>(pod.Metadata.Name, "retina-system", None);
        (await bed.ClientFor("node-a", user).FetchAsync(a, None)).Problem!.ShouldContain("no longer exists");
    }

    [Fact]
    public async Task The_node_refuses_a_server_whose_certificate_is_not_from_the_mounted_ca_and_sends_it_nothing()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await AssignedToNodeAAsync(bed);
        using var other = TestCertificateAuthority.Create("someone-else");
        var before = bed.Endpoint.Requests;

        var fetch = await bed.ClientFor("node-a", caPem: other.RootPem).FetchAsync(a, None);

        fetch.Values.ShouldBeNull();
        fetch.Problem!.ShouldContain("unreachable");
        bed.Endpoint.Requests.ShouldBe(before, "TLS failed before any request (and its token) was sent");
    }

    [Fact]
    public async Task Credential_values_never_reach_the_endpoints_log()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await AssignedToNodeAAsync(bed);
        await bed.ClientFor("node-a").FetchAsync(a, None);
        await bed.ClientFor("node-b").FetchAsync(a, None);

        bed.Logs.Lines.ShouldContain(l => l.Contains("served to node node-a", StringComparison.Ordinal));
        bed.Logs.Lines.ShouldContain(l => l.Contains("refused to node-b", StringComparison.Ordinal));
        bed.Logs.Lines.ShouldAllBe(l => !l.Contains("NODEASECRETSIG", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_shipped_node_runtime_rbac_reads_no_secret_and_the_controllers_may_review_tokens()
    {
        await using var api = await FakeKubeApiServer.StartAsync(o => o.AuthorizeRequests = true);
        api.ApplyRbacFile(RepoPaths.Combine("kustomize", "base", "rbac", "node-runtime.yaml"));
        api.ApplyRbacFile(RepoPaths.Combine("kustomize", "base", "rbac", "controllers.yaml"));
        var admin = api.CreateClient();
        await admin.CreateAsync(Objects.Secret("retina-system", "anything", new() { ["k"] = "v" }), None);
        var node = api.CreateClient(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", "node-a"));

        var e = await Should.ThrowAsync<KubeApiException>(() => node.GetAsync<V1Secret>("anything", "retina-system", None));
        e.StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        var controllers = FakeUser.ServiceAccount("retina-system", "retina-controllers");
        api.Rbac.Authorize(controllers, new("create", "authentication.k8s.io", "tokenreviews", "", null, null)).Allowed.ShouldBeTrue();
    }

    private static async Task<Api.NodeRuntime.NodeCaptureAssignment> AssignedToNodeAAsync(NodeCredentialBed bed)
    {
        var h = bed.Harness;
        await h.AddNodeAsync("node-a", new() { ["pool"] = "a" });
        await h.AddNodeAsync("node-b", new() { ["pool"] = "b" });
        await h.Client.CreateAsync(Objects.Secret("team-a", "sas", new() { ["blob-upload-url"] = Sas }), None);
        var c = Objects.NodeCapture("team-a", "to-blob", nodeLabels: new() { ["pool"] = "a" });
        c.Spec.OutputConfiguration.BlobUpload = "sas";
        await h.Client.CreateAsync(c, None);
        return await bed.AssignmentOnAsync("node-a");
    }
}
