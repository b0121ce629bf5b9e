using Retina.Api.Capture;
using Retina.Controllers.TraceSession;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Controllers.Tests.TraceSession;
using Retina.Testing.Waiting;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.Tests.Credentials;

/// <summary>
/// A node obtains the Blob/S3 credentials of a TraceSession assigned to it, through the real HTTPS endpoint and the
/// node's bound token, while it is assigned; a missing Secret or key is refused with the field path and the Secret's
/// name, and no value appears in the endpoint's log or in the trace's status.
/// </summary>
public sealed class NodeTraceCredentialTests
{
    private const string Sas = "https://acct.blob.core.windows.net/flows?sv=2026&sig=TRACESECRETSIG";
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<NodeTraceAssignment> TraceOnNodeAAsync(NodeCredentialBed bed, Action<OutputConfiguration> output, string name = "flows")
    {
        var h = bed.Harness;
        await h.AddNodeAsync("node-a");
        await h.AddNodeAsync("node-b");
        await h.AddPodAsync(Objects.Pod("team-a", "web-1", "node-a", "10.1.0.5"));
        var t = TraceBed.PodTrace("team-a", name);
        output(t.Spec.OutputConfiguration!);
        await h.Client.CreateAsync(t, None);
        return await TraceBed.AssignmentOn(h, "node-a", a => a.Key.StartsWith($"team-a/{name}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_gets_its_own_traces_blob_url_and_another_node_is_refused()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        await bed.Harness.Client.CreateAsync(Objects.Secret("team-a", "sas", new() { ["blob-upload-url"] = Sas }), None);
        var a = await TraceOnNodeAAsync(bed, o => o.BlobUpload = "sas");
        a.BlobSecret.ShouldBe("sas", "the assignment names the Secret, never its value");

        var own = await bed.ClientFor("node-a").FetchAsync(a, None);
        own.Problem.ShouldBeNull();
        own.Values!.BlobUploadUrl.ShouldBe(Sas);

        var stolen = await bed.ClientFor("node-b").FetchAsync(a, None);
        stolen.Values.ShouldBeNull();
        stolen.Problem.ShouldBe($"the credential endpoint refused: 403 trace {a.Key} is not assigned to node node-b");
        bed.Logs.Lines.ShouldAllBe(l => !l.Contains("TRACESECRETSIG", StringComparison.Ordinal));
        var trace = await bed.Harness.Client.GetAsync<TraceObject>("flows", "team-a", None);
        System.Text.Json.JsonSerializer.Serialize(trace).ShouldNotContain("TRACESECRETSIG");
        System.Text.Json.JsonSerializer.Serialize(await TraceBed.Runtime(bed.Harness, "node-a")).ShouldNotContain("TRACESECRETSIG");
    }

    [Fact]
    public async Task A_traces_s3_keys_are_served_to_its_node()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        await bed.Harness.Client.CreateAsync(Objects.Secret("team-a", "s3-keys", new() { ["s3-access-key-id"] = "AKIATRACE", ["s3-secret-access-key"] = "TRACES3SECRET" }), None);
        var a = await TraceOnNodeAAsync(bed, o => o.S3Upload = new S3Upload { Bucket = "flow-logs", Region = "eu-west-1", SecretName = "s3-keys" });

        var own = await bed.ClientFor("node-a").FetchAsync(a, None);

        own.Problem.ShouldBeNull();
        (own.Values!.S3AccessKeyId, own.Values.S3SecretAccessKey).ShouldBe(("AKIATRACE", "TRACES3SECRET"));
        bed.Logs.Lines.ShouldAllBe(l => !l.Contains("TRACES3SECRET", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("absent")]
    [InlineData("wrong-key")]
    public async Task A_missing_secret_or_key_keeps_the_trace_Pending_with_the_field_path_until_it_appears_and_never_shows_a_value(string which)
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var h = bed.Harness;
        if (which == "wrong-key")
        {
            await h.Client.CreateAsync(Objects.Secret("team-a", "sas", new() { ["url"] = Sas }), None);
        }

        await h.AddNodeAsync("node-a");
        await h.AddPodAsync(Objects.Pod("team-a", "web-1", "node-a", "10.1.0.5"));
        var t = TraceBed.PodTrace("team-a", "flows");
        t.Spec.OutputConfiguration!.BlobUpload = "sas";
        await h.Client.CreateAsync(t, None);

        var pending = await Until.ValueAsync(() => TraceBed.Get(h, "team-a", "flows"),
            x => x?.Status?.Conditions?.Any(c => c.Reason == TraceReasons.SecretNotFound) == true, "the trace says which Secret is missing");
        pending!.Status!.Phase.ShouldBe(CapturePhase.Pending);
        var condition = pending.Status.Conditions!.Single(c => c.Type == TraceReasons.Error);
        condition.Reason.ShouldBe(TraceReasons.SecretNotFound);
        condition.Message!.ShouldStartWith("spec.outputConfiguration.blobUpload");
        condition.Message.ShouldContain("sas");
        System.Text.Json.JsonSerializer.Serialize(pending).ShouldNotContain("TRACESECRETSIG");
        (await TraceBed.Runtime(h, "node-a"))?.Spec.Traces.ShouldBeNull("nothing is assigned that the node could not deliver");

        if (which == "wrong-key")
        {
            await h.Client.DeleteAsync<k8s.Models.V1Secret>("sas", "team-a", None);
        }

        await h.Client.CreateAsync(Objects.Secret("team-a", "sas", new() { ["blob-upload-url"] = Sas }), None);
        var a = await TraceBed.AssignmentOn(h, "node-a", because: "the trace is assigned once its Secret is there");
        (await bed.ClientFor("node-a").FetchAsync(a, None)).Values!.BlobUploadUrl.ShouldBe(Sas);
    }

    [Fact]
    public async Task A_secret_deleted_after_assignment_is_refused_to_the_node_with_the_field_path()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        await bed.Harness.Client.CreateAsync(Objects.Secret("team-a", "sas", new() { ["blob-upload-url"] = Sas }), None);
        var a = await TraceOnNodeAAsync(bed, o => o.BlobUpload = "sas");
        await bed.Harness.Client.DeleteAsync<k8s.Models.V1Secret>("sas", "team-a", None);

        var fetch = await bed.ClientFor("node-a").FetchAsync(a, None);

        fetch.Values.ShouldBeNull();
        fetch.Problem!.ShouldStartWith("the credential endpoint refused: 404 spec.outputConfiguration.blobUpload");
        fetch.Problem.ShouldContain("sas");
        fetch.Problem.ShouldNotContain("TRACESECRETSIG");
    }

    [Fact]
    public async Task Access_ends_when_the_trace_is_deleted()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        await bed.Harness.Client.CreateAsync(Objects.Secret("team-a", "sas", new() { ["blob-upload-url"] = Sas }), None);
        var a = await TraceOnNodeAAsync(bed, o => o.BlobUpload = "sas");
        var node = bed.ClientFor("node-a");
        (await node.FetchAsync(a, None)).Values.ShouldNotBeNull();

        await bed.Harness.Client.DeleteAsync<TraceObject>("flows", "team-a", None);
        await Until.TrueAsync(async () => await bed.Harness.Client.GetAsync<TraceObject>("flows", "team-a", None) is null, "the trace is gone");

        var after = await node.FetchAsync(a, None);
        after.Values.ShouldBeNull();
        after.Problem!.ShouldContain("the credential endpoint refused: 40");
    }
}
