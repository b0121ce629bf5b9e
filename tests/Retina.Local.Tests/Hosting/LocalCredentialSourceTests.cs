using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.Kube.Store;
using Retina.Local.Hosting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Local.Tests.Hosting;

/// <summary>Local mode applies the credential endpoint's rule in-process: only captures assigned to this host.</summary>
public sealed class LocalCredentialSourceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_local_runtime_gets_the_credentials_of_its_own_assignment_only()
    {
        var store = new InMemoryKubeClient();
        await store.CreateAsync(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Metadata = new() { Name = "sas", NamespaceProperty = "local" },
            Data = new Dictionary<string, byte[]> { ["blob-upload-url"] = "https://127.0.0.1:1/c?sig=x"u8.ToArray() },
        }, None);
        var capture = new CaptureObject();
        capture.Metadata.Name = "c1";
        capture.Metadata.NamespaceProperty = "local";
        capture.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { NodeSelector = new LabelSelector() };
        capture.Spec.OutputConfiguration.BlobUpload = "sas";
        capture = await store.CreateAsync(capture, None);
        var assignment = new NodeCaptureAssignment { Key = $"local/c1/{capture.Metadata.Uid}", Namespace = "local", Name = "c1", BlobSecret = "sas" };
        var runtime = new NodeRuntimeObject();
        runtime.Metadata.Name = "laptop";
        runtime.Spec.Captures = [assignment];
        await store.CreateAsync(runtime, None);

        var own = await new LocalCredentialSource(store, "laptop").FetchAsync(assignment, None);
        own.Values!.BlobUploadUrl.ShouldBe("https://127.0.0.1:1/c?sig=x");

        var other = await new LocalCredentialSource(store, "elsewhere").FetchAsync(assignment, None);
        other.Values.ShouldBeNull();
        other.Problem.ShouldBe($"capture {assignment.Key} is not assigned to node elsewhere");
    }
}
