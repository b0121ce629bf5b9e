using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Kube.Client;
using Retina.NodeRuntime.Tests.Capture;
using Retina.Testing.Azurite;
using Retina.Testing.Kernel;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Agent;

public sealed class BlobJourneyTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task A_blob_capture_delivers_each_nodes_tarball_and_the_sas_never_appears_in_logs_status_or_events()
    {
        await using var azurite = await AzuriteBlob.StartNewAsync();
        var service = new BlobServiceClient(azurite.ConnectionString, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));
        var container = service.GetBlobContainerClient("caps");
        await container.CreateAsync();
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List,
            DateTimeOffset.UtcNow.AddHours(1)).ToString();
        var signature = System.Web.HttpUtility.ParseQueryString(new Uri(sas).Query)["sig"]!;

        await using var bed = await JourneyBed.StartAsync();
        await using var sockets = await CaptureBed.CreateAsync();
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        await bed.StartRuntimeAsync(JourneyBed.NodeB);
        await bed.Client.CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "sas", NamespaceProperty = "default" },
            Data = new Dictionary<string, byte[]> { ["blob-upload-url"] = System.Text.Encoding.UTF8.GetBytes(sas) },
        }, None);

        const int n = 40;
        var c = new CaptureObject();
        c.Metadata.Name = "to-blob";
        c.Metadata.NamespaceProperty = "default";
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { NodeSelector = new LabelSelector() };
        c.Spec.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "30s", PcapFilter = "udp port 7777", MaxPackets = n };
        c.Spec.OutputConfiguration.BlobUpload = "sas";
        c.Spec.OutputConfiguration.HostPath = "staging";
        c.Spec.CleanUpAfterUpload = true;
        await bed.Client.CreateAsync(c, None);
        await Until.ValueAsync(() => bed.Client.GetAsync<CaptureObject>("to-blob", "default", None),
            x => x?.Status?.Nodes?.Count == 2 && x.Status.Nodes.All(s => s.Phase == CapturePhase.Running), "both nodes capture", TimeSpan.FromSeconds(60));

        using (var listen = await sockets.BindAsync(bed.Pair.NamespaceA, bed.Pair.AddressA, 7777))
        using (var from = await sockets.BindAsync(bed.Pair.NamespaceB, bed.Pair.AddressB, 0))
        {
            CaptureBed.Send(from, bed.Pair.AddressA, 7777, n);
        }

        var done = await Until.ValueAsync(() => bed.Client.GetAsync<CaptureObject>("to-blob", "default", None),
            x => x?.Status?.Phase == CapturePhase.Completed, "the capture completes", TimeSpan.FromSeconds(90));

        var blobs = new List<string>();
        await foreach (var item in container.GetBlobsAsync())
        {
            blobs.Add(item.Name);
        }

        blobs.Count.ShouldBe(2);
        done!.Status!.Artifacts!.ShouldAllBe(a => a.Output == "blobUpload", "cleanUpAfterUpload removed the host-path copies once uploaded");
        Directory.GetFiles(bed.HostPathBase(JourneyBed.NodeA), "*.tar.gz", SearchOption.AllDirectories).ShouldBeEmpty();
        foreach (var artifact in done!.Status!.Artifacts!.Where(a => a.Output == "blobUpload"))
        {
            var name = blobs.Single(b => artifact.Location.EndsWith(b, StringComparison.Ordinal));
            var bytes = (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)).ShouldBe(artifact.Sha256);
        }

        // The SAS reached the nodes only through the credential endpoint; nothing else may carry it.
        var everything = string.Join('\n',
            string.Join('\n', bed.Logs.Lines),
            JsonSerializer.Serialize(done),
            JsonSerializer.Serialize((await bed.Client.ListAsync<NodeRuntimeObject>(new ListOptions(), None)).Items),
            JsonSerializer.Serialize((await bed.Client.ListAsync<Corev1Event>(new ListOptions(), None)).Items));
        bed.Logs.Lines.ShouldNotBeEmpty();
        everything.ShouldNotContain(signature);
        everything.ShouldNotContain(Uri.EscapeDataString(signature));
    }
}
