using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Capture.Outputs;
using Retina.NodeRuntime.Trace;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Azurite;
using Retina.Testing.Kernel;
using Retina.Testing.Logging;
using Retina.Testing.S3;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// A trace's closed files reach a real Azurite and a real s3rver as they rotate and at stop, with the captures' retry
/// rules, and the node's status says what went where and what did not; no credential appears anywhere.
/// </summary>
public sealed class TraceUploadTests
{
    private const int ClosedPort = 7200;

    private static TraceUploadOptions Uploads(int attempts = 3) => new()
    {
        BlobClientOptionsFactory = () => new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06),
        PlainHttp = new PlainHttpPolicy(["127.0.0.1"]),
        UploadRetry = new OutputRetryOptions { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromMilliseconds(500) },
    };

    private static async Task<(BlobContainerClient Container, string Sas, string Signature)> ContainerAsync(AzuriteBlob azurite, string name, bool create = true)
    {
        var container = new BlobServiceClient(azurite.ConnectionString, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06)).GetBlobContainerClient(name);
        if (create)
        {
            await container.CreateAsync();
        }

        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)).ToString();
        return (container, sas, System.Web.HttpUtility.ParseQueryString(new Uri(sas).Query)["sig"]!);
    }

    /// <summary>A trace of pod 0's sockerror drops (UDP to a closed port), rotating at every flush (1 byte per "MB").</summary>
    private static NodeTraceAssignment Rotating(TraceBed bed, string name)
    {
        var a = bed.Assignment(name, [TraceEventKinds.SockError], 0);
        a.HostPath = null;
        a.MaxFileSizeMb = 1;
        return a;
    }

    private static async Task SendAsync(TraceBed bed, string key, int count, long before)
    {
        using var web = await NsUdp.BindAsync(bed.Pod(0).Namespace, bed.Pod(0).Address, 0);
        NsUdp.Send(web, bed.Pod(1).Address, ClosedPort, count);
        await bed.WaitAsync(key, s => s.Events >= before + count, $"{before + count} sockerror events written");
    }

    private static async Task<List<(string Name, byte[] Bytes)>> BlobsAsync(BlobContainerClient container)
    {
        var all = new List<(string, byte[])>();
        await foreach (var item in container.GetBlobsAsync())
        {
            all.Add((item.Name, (await container.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToArray()));
        }

        return all;
    }

    private static List<string> GzipLines(byte[] bytes)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes);
            return TraceBed.ReadGzipLines(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [KernelFact]
    public async Task Each_rotated_file_and_the_last_one_at_stop_reach_the_blob_container_intact_and_the_sas_appears_nowhere()
    {
        await using var azurite = await AzuriteBlob.StartNewAsync();
        var (container, sas, signature) = await ContainerAsync(azurite, "flows");
        await using var bed = await TraceBed.StartAsync("tub", 2);
        var logs = new CollectingLoggerProvider();
        bed.Logger = logs.CreateLogger("trace");
        await bed.Runner.DisposeAsync();
        var credentials = new StaticTraceCredentials(new NodeCaptureCredentials { BlobUploadUrl = sas });
        bed.NewRunner(uploads: Uploads(), credentials: credentials, bytesPerMegabyte: 1);
        var a = Rotating(bed, "to-blob");
        a.BlobSecret = "sas";
        await bed.StartAsync(a);

        await SendAsync(bed, a.Key, 10, 0);
        await Until.TrueAsync(() => Task.FromResult(bed.Status(a.Key).UploadedFiles >= 1), "the first rotated file is uploaded while the trace runs");
        bed.Status(a.Key).Phase.ShouldBe("Running");
        await SendAsync(bed, a.Key, 15, 10);
        a.Stop = true;
        await bed.Runner.ConvergeAsync([a], [], CancellationToken.None);
        var status = await bed.WaitAsync(a.Key, s => s.Phase is "Completed" or "Failed", "the trace stops and its last file is uploaded");

        status.Phase.ShouldBe("Completed", status.Message);
        var blobs = await BlobsAsync(container);
        blobs.Count.ShouldBeGreaterThanOrEqualTo(2, "one file rotated before the second batch, the last closed at stop");
        status.UploadedFiles.ShouldBe(blobs.Count);
        status.UploadFailures.ShouldBe(0);
        blobs.ShouldAllBe(b => b.Name.StartsWith("to-blob-node1-", StringComparison.Ordinal) && b.Name.EndsWith(".jsonl.gz", StringComparison.Ordinal));
        var lines = blobs.SelectMany(b => GzipLines(b.Bytes)).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject()).ToList();
        lines.Count.ShouldBe(25);
        FlowLineSchema.ShouldAllMatch(lines);
        status.Artifacts!.ShouldAllBe(x => x.Output == "blobUpload", "staged files are not reported as a host path");
        foreach (var (name, bytes) in blobs)
        {
            var artifact = status.Artifacts!.Single(x => x.Location == $"{azurite.BlobEndpoint}/flows/{name}");
            artifact.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes)));
            artifact.SizeBytes.ShouldBe(bytes.Length);
        }

        Directory.GetFiles(bed.BaseDirectory, "*.jsonl.gz", SearchOption.AllDirectories).ShouldBeEmpty("uploaded files are not kept when the trace has no hostPath");
        var everything = JsonSerializer.Serialize(status) + string.Join('\n', logs.Lines);
        everything.ShouldNotContain(signature);
        everything.ShouldNotContain(Uri.EscapeDataString(signature));
    }

    [KernelFact]
    public async Task An_S3_output_gets_the_same_bytes_as_the_host_path_files_which_stay()
    {
        await using var s3 = await S3rverServer.StartNewAsync("flows");
        await using var bed = await TraceBed.StartAsync("tus", 2);
        await bed.Runner.DisposeAsync();
        bed.NewRunner(uploads: Uploads(), credentials: new StaticTraceCredentials(new NodeCaptureCredentials { S3AccessKeyId = s3.AccessKeyId, S3SecretAccessKey = s3.SecretAccessKey }), bytesPerMegabyte: 1);
        var a = Rotating(bed, "to-s3");
        a.HostPath = "traces/to-s3";
        a.S3 = new Api.Capture.S3Upload { Bucket = s3.Bucket, Region = "us-east-1", Endpoint = s3.Endpoint, Path = "team-a/flows", SecretName = "s3" };
        await bed.StartAsync(a);

        await SendAsync(bed, a.Key, 12, 0);
        a.Stop = true;
        await bed.Runner.ConvergeAsync([a], [], CancellationToken.None);
        var status = await bed.WaitAsync(a.Key, s => s.Phase is "Completed" or "Failed", "the trace stops and uploads");

        status.Phase.ShouldBe("Completed", status.Message);
        var local = Directory.GetFiles(bed.TraceDirectory("to-s3"), "*.jsonl.gz");
        local.ShouldNotBeEmpty();
        status.UploadedFiles.ShouldBe(local.Length);
        using var client = new AmazonS3Client(new BasicAWSCredentials(s3.AccessKeyId, s3.SecretAccessKey),
            new AmazonS3Config { ServiceURL = s3.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = s3.Bucket, Prefix = "team-a/flows/" });
        listed.S3Objects.Select(o => o.Key).Order().ShouldBe(local.Select(f => "team-a/flows/" + Path.GetFileName(f)).Order());
        foreach (var f in local)
        {
            using var got = await client.GetObjectAsync(s3.Bucket, "team-a/flows/" + Path.GetFileName(f));
            using var ms = new MemoryStream();
            await got.ResponseStream.CopyToAsync(ms);
            ms.ToArray().ShouldBe(await File.ReadAllBytesAsync(f));
            status.Artifacts!.ShouldContain(x => x.Output == "s3Upload" && x.Location == $"s3://{s3.Bucket}/team-a/flows/{Path.GetFileName(f)}");
            status.Artifacts!.ShouldContain(x => x.Output == "hostPath" && x.Location == f);
        }

        bed.Lines("to-s3").Count.ShouldBe(12);
        JsonSerializer.Serialize(status).ShouldNotContain(s3.SecretAccessKey);
    }

    [KernelFact]
    public async Task A_stopped_trace_is_Uploading_while_Azurite_is_away_and_Completed_once_the_retries_reach_it()
    {
        await using var azurite = await AzuriteBlob.StartNewAsync();
        var (container, sas, _) = await ContainerAsync(azurite, "flows");
        await using var bed = await TraceBed.StartAsync("tua", 2);
        await bed.Runner.DisposeAsync();
        bed.NewRunner(uploads: Uploads(attempts: 100), credentials: new StaticTraceCredentials(new NodeCaptureCredentials { BlobUploadUrl = sas }));
        var a = Rotating(bed, "away");
        a.MaxFileSizeMb = null;
        a.BlobSecret = "sas";
        await bed.StartAsync(a);
        await SendAsync(bed, a.Key, 8, 0);

        await azurite.StopAsync();
        a.Stop = true;
        await bed.Runner.ConvergeAsync([a], [], CancellationToken.None);
        var uploading = bed.Status(a.Key);
        uploading.Phase.ShouldBe("Uploading", uploading.Message);
        uploading.Message!.ShouldContain("uploading 1 file(s)");

        await azurite.StartAsync();
        var status = await bed.WaitAsync(a.Key, s => s.Phase != "Uploading", "the retries reach Azurite again");
        status.Phase.ShouldBe("Completed", status.Message);
        status.UploadedFiles.ShouldBe(1);
        var blob = (await BlobsAsync(container)).ShouldHaveSingleItem();
        GzipLines(blob.Bytes).Count.ShouldBe(8);
    }

    [KernelFact]
    public async Task A_container_that_does_not_exist_fails_the_trace_with_UploadFailed_keeps_the_file_and_never_shows_the_sas()
    {
        await using var azurite = await AzuriteBlob.StartNewAsync();
        var (_, sas, signature) = await ContainerAsync(azurite, "absent", create: false);
        await using var bed = await TraceBed.StartAsync("tuf", 2);
        await bed.Runner.DisposeAsync();
        bed.NewRunner(uploads: Uploads(), credentials: new StaticTraceCredentials(new NodeCaptureCredentials { BlobUploadUrl = sas }));
        var a = Rotating(bed, "nowhere");
        a.MaxFileSizeMb = null;
        a.BlobSecret = "sas";
        await bed.StartAsync(a);
        await SendAsync(bed, a.Key, 5, 0);
        a.Stop = true;
        await bed.Runner.ConvergeAsync([a], [], CancellationToken.None);

        var status = await bed.WaitAsync(a.Key, s => s.Phase != "Uploading", "the upload gives up");

        status.Phase.ShouldBe("Failed");
        status.Reason.ShouldBe(TraceReasons.UploadFailed);
        status.UploadFailures.ShouldBe(1);
        status.Message!.ShouldContain("1 file(s) not uploaded, kept on the node");
        status.Message!.ShouldContain("ContainerNotFound");
        Directory.GetFiles(bed.BaseDirectory, "nowhere-node1-*.jsonl.gz", SearchOption.AllDirectories).ShouldHaveSingleItem();
        JsonSerializer.Serialize(status).ShouldNotContain(signature);
    }

    [KernelFact]
    public async Task Credentials_the_controllers_refuse_fail_the_upload_with_their_reason()
    {
        await using var bed = await TraceBed.StartAsync("tuc", 2);
        await bed.Runner.DisposeAsync();
        var refused = new StaticTraceCredentials(null, "the credential endpoint refused: 404 spec.outputConfiguration.blobUpload: Secret team-a/sas has no key blob-upload-url");
        bed.NewRunner(uploads: Uploads(), credentials: refused);
        var a = Rotating(bed, "refused");
        a.MaxFileSizeMb = null;
        a.BlobSecret = "sas";
        await bed.StartAsync(a);
        await SendAsync(bed, a.Key, 3, 0);
        a.Stop = true;
        await bed.Runner.ConvergeAsync([a], [], CancellationToken.None);

        var status = await bed.WaitAsync(a.Key, s => s.Phase != "Uploading", "the upload gives up");

        status.Phase.ShouldBe("Failed");
        status.Reason.ShouldBe(TraceReasons.UploadFailed);
        status.Message!.ShouldContain("credentials: the credential endpoint refused: 404 spec.outputConfiguration.blobUpload: Secret team-a/sas has no key blob-upload-url");
        refused.Asked.ShouldBe(1);
    }
}
