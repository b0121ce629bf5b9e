using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.Tests.Credentials;

/// <summary>A node obtains the output credentials of TraceSessions assigned to it (GET /node-credentials/v1/traces/...), and nothing else.</summary>
public sealed class TraceCredentialTests
{
    private const string Sas = "https://acct.blob.core.windows.net/flows?sv=2026&sig=TRACESECRETSIG";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_node_gets_the_credentials_of_its_own_trace_only_and_never_through_the_capture_path()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await TraceOnNodeAAsync(bed);

        var own = await bed.ClientFor("node-a").FetchAsync(a, None);
        own.Problem.ShouldBeNull();
        own.Values!.BlobUploadUrl.ShouldBe(Sas);

        var stolen = await bed.ClientFor("node-b").FetchAsync(a, None);
        stolen.Values.ShouldBeNull();
        stolen.Problem.ShouldBe($"the credential endpoint refused: 403 trace {a.Key} is not assigned to node node-b");

        // The capture path looks in spec.captures only: a trace key is not a capture of the node.
        var asCapture = await bed.ClientFor("node-a").FetchAsync(new NodeCaptureAssignment { Key = a.Key, BlobSecret = a.BlobSecret }, None);
        asCapture.Problem.ShouldBe($"the credential endpoint refused: 403 capture {a.Key} is not assigned to node node-a");
        bed.Logs.Lines.ShouldContain(l => l.Contains($"trace {a.Key} served to node node-a", StringComparison.Ordinal));
        bed.Logs.Lines.ShouldAllBe(l => !l.Contains("TRACESECRETSIG", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Access_ends_when_the_trace_is_gone()
    {
        await using var bed = await NodeCredentialBed.StartAsync();
        var a = await TraceOnNodeAAsync(bed);
        (await bed.ClientFor("node-a").FetchAsync(a, None)).Values.ShouldNotBeNull();

        await bed.Harness.Client.DeleteAsync<TraceObject>("flows", "team-a", None);
        await Until.TrueAsync(async () => await bed.Harness.Client.GetAsync<TraceObject>("flows", "team-a", None) is null, "the trace is gone");

        (await bed.ClientFor("node-a").FetchAsync(a, None)).Problem!.ShouldContain("403");
    }

    private static async Task<NodeTraceAssignment> TraceOnNodeAAsync(NodeCredentialBed bed)
    {
        var h = bed.Harness;
        await h.AddNodeAsync("node-a", new() { ["pool"] = "a" });
        await h.AddNodeAsync("node-b", new() { ["pool"] = "b" });
        await h.Client.CreateAsync(Objects.Secret("team-a", "sas", new() { ["blob-upload-url"] = Sas }), None);
        var t = new TraceObject();
        t.Metadata.Name = "flows";
        t.Metadata.NamespaceProperty = "team-a";
        t.Spec.Target = new CaptureTarget { NodeSelector = new LabelSelector { MatchLabels = new() { ["pool"] = "a" } } };
        t.Spec.Events = ["drop"];
        t.Spec.OutputConfiguration = new OutputConfiguration { BlobUpload = "sas" };
        await h.Client.CreateAsync(t, None);
        return (await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("node-a", null, None), r => r?.Spec.Traces is { Count: > 0 }, "node-a gets the trace"))!.Spec.Traces![0];
    }
}
