using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Capture.Outputs;
using Retina.Testing.Azurite;
using Retina.Testing.Kernel;
using Retina.Testing.S3;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>Artifacts delivered to a real Azurite and a real s3rver, compared byte for byte with the local tarball.</summary>
public sealed class CaptureOutputTests
{
    private const int Port = 7301;

    private static BlobClientOptions AzuriteOptions()
    {
        var o = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06);
        o.Retry.MaxRetries = 0; // the engine's own retry is under test
        return o;
    }

    private static async Task<string> ContainerSasAsync(AzuriteBlob azurite, string container)
    {
        var service = new BlobServiceClient(azurite.ConnectionString, AzuriteOptions());
        var client = service.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        var sas = new BlobSasBuilder(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1))
        {
            BlobContainerName = container,
            Protocol = SasProtocol.HttpsAndHttp,
        };
        return client.GenerateSasUri(sas).ToString();
    }

    private static async Task<string> BlobSha256Async(AzuriteBlob azurite, string container, string name)
    {
        var blob = new BlobServiceClient(azurite.ConnectionString, AzuriteOptions()).GetBlobContainerClient(container).GetBlobClient(name);
        var content = await blob.DownloadContentAsync();
        return Convert.ToHexStringLower(SHA256.HashData(content.Value.Content.ToArray()));
    }

    private static async Task<CaptureResult> CaptureFiveAsync(CaptureBed bed, CaptureEngine engine, CaptureRequest request, Func<CaptureSession, Task>? beforeStop = null)
    {
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await engine.StartAsync(request with { PcapFilter = "udp" });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 5);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 5, "5 packets are written");
        if (beforeStop is not null)
        {
            await beforeStop(session);
        }

        return await session.StopAsync().WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static string LocalSha(CaptureResult result) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(result.ArtifactPath!)));

    [KernelFact]
    public async Task A_blob_output_holds_the_same_bytes_as_the_local_tarball()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var azurite = await AzuriteBlob.StartNewAsync();
        var sas = await ContainerSasAsync(azurite, "captures");
        var engine = bed.Engine(bed.Options() with { BlobClientOptionsFactory = AzuriteOptions });

        var result = await CaptureFiveAsync(bed, engine, bed.Request() with { Blob = new BlobOutputTarget(sas) });

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        result.Artifacts.ShouldHaveSingleItem().ShouldBe(new CaptureArtifactLocation("blob", $"{azurite.BlobEndpoint}/captures/{result.ArtifactName}"));
        (await BlobSha256Async(azurite, "captures", result.ArtifactName!)).ShouldBe(LocalSha(result));
        result.Sha256.ShouldBe(LocalSha(result));
    }

    [KernelFact]
    public async Task Azurite_gone_when_the_upload_starts_and_back_later_gets_the_artifact_exactly_once()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var azurite = await AzuriteBlob.StartNewAsync();
        var sas = await ContainerSasAsync(azurite, "captures");
        var engine = bed.Engine(bed.Options() with { BlobClientOptionsFactory = AzuriteOptions });
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await engine.StartAsync(bed.Request() with { PcapFilter = "udp", Blob = new BlobOutputTarget(sas) });
        CaptureBed.Send(sender, bed.Pair.AddressA, Port, 5);
        await CaptureBed.WaitUntilAsync(() => session.Counters.Packets >= 5, "5 packets are written");

        await azurite.StopAsync();
        var stopping = session.StopAsync();
        await CaptureBed.WaitUntilAsync(() => session.OutputAttemptFailures >= 2, "two upload attempts failed");
        session.Phase.ShouldBe(CapturePhase.Uploading);
        await azurite.StartAsync();
        var result = await stopping.WaitAsync(TimeSpan.FromMinutes(2));

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        await ShouldHoldExactlyTheArtifactAsync(azurite, result);
    }

    [KernelFact]
    public async Task Azurite_stopped_in_the_middle_of_the_upload_and_started_again_gets_the_artifact_exactly_once()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var azurite = await AzuriteBlob.StartNewAsync();
        await using var relay = new TcpRelay(azurite.Port);
        var sas = (await ContainerSasAsync(azurite, "captures")).Replace($":{azurite.Port}/", $":{relay.Port}/", StringComparison.Ordinal);
        var engine = bed.Engine(bed.Options() with { BlobClientOptionsFactory = AzuriteOptions });
        await bed.ListenOnAAsync(Port);
        var sender = await bed.BindOnBAsync();
        var session = await engine.StartAsync(bed.Request() with { PcapFilter = "udp", Blob = new BlobOutputTarget(sas) });
        var noise = new byte[1400];
        var to = new System.Net.IPEndPoint(System.Net.IPAddress.Parse(bed.Pair.AddressA), Port);
        for (var i = 0; i < 3000; i++)
        {
            RandomNumberGenerator.Fill(noise); // incompressible, so the tarball stays ~4 MB
            sender.SendTo(noise, to);
        }

        await CaptureBed.WaitUntilAsync(() => session.Counters is var c && c.Packets + c.KernelDrops >= 3000, "3000 packets are written or dropped");
        relay.HoldAfter(1_000_000);
        var stopping = session.StopAsync();
        await relay.Held.WaitAsync(TimeSpan.FromSeconds(60)); // the upload is a megabyte in
        await azurite.StopAsync();
        relay.Release();
        await CaptureBed.WaitUntilAsync(() => session.OutputAttemptFailures >= 1, "the interrupted attempt failed");
        await azurite.StartAsync();
        var result = await stopping.WaitAsync(TimeSpan.FromMinutes(2));

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        result.ArtifactBytes.ShouldBeGreaterThan(1_000_000);
        await ShouldHoldExactlyTheArtifactAsync(azurite, result);
    }

    [KernelFact]
    public async Task An_upload_whose_success_never_reached_us_is_found_on_retry_and_not_written_twice()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var azurite = await AzuriteBlob.StartNewAsync();
        await using var relay = new TcpRelay(azurite.Port);
        var sas = (await ContainerSasAsync(azurite, "captures")).Replace($":{azurite.Port}/", $":{relay.Port}/", StringComparison.Ordinal);
        var engine = bed.Engine(bed.Options() with { BlobClientOptionsFactory = AzuriteOptions });
        relay.CutNextResponse();

        var result = await CaptureFiveAsync(bed, engine, bed.Request() with { Blob = new BlobOutputTarget(sas) });

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        relay.ResponsesCut.ShouldBe(1);
        await ShouldHoldExactlyTheArtifactAsync(azurite, result);
        bed.Log.Lines.ShouldContain(l => l.Contains("upload to blob failed (attempt 1)"));
    }

    [KernelFact]
    public async Task A_plain_http_blob_url_is_refused_by_default_and_the_sas_never_appears_in_the_reason()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var azurite = await AzuriteBlob.StartNewAsync();
        var sas = await ContainerSasAsync(azurite, "captures");
        var engine = bed.Engine(bed.Options() with { BlobClientOptionsFactory = AzuriteOptions, PlainHttp = PlainHttpPolicy.HttpsOnly });

        var result = await CaptureFiveAsync(bed, engine, bed.Request() with { Blob = new BlobOutputTarget(sas) });

        result.Phase.ShouldBe(CapturePhase.Failed);
        result.Message.ShouldNotBeNull().ShouldContain("blobUpload: plain http to 127.0.0.1:");
        var signature = new Uri(sas).Query;
        result.Message.ShouldNotContain(signature);
        bed.Log.Lines.ShouldAllBe(l => !l.Contains(signature));
        result.Artifacts.ShouldBeEmpty();
    }

    [KernelFact]
    public async Task An_S3_output_holds_the_same_bytes_as_the_local_tarball()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var s3 = await S3rverServer.StartNewAsync("captures");
        var target = new S3OutputTarget
        {
            Bucket = s3.Bucket,
            Endpoint = s3.Endpoint,
            Path = "team-a/runs",
            AccessKeyId = s3.AccessKeyId,
            SecretAccessKey = s3.SecretAccessKey,
        };

        var result = await CaptureFiveAsync(bed, bed.Engine(), bed.Request() with { S3 = target });

        result.Phase.ShouldBe(CapturePhase.Completed, result.Message);
        var key = $"team-a/runs/{result.ArtifactName}";
        result.Artifacts.ShouldHaveSingleItem().ShouldBe(new CaptureArtifactLocation("s3", $"s3://captures/{key}"));
        using var client = new AmazonS3Client(
            new BasicAWSCredentials(s3.AccessKeyId, s3.SecretAccessKey),
            new AmazonS3Config { ServiceURL = s3.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        using var got = await client.GetObjectAsync(s3.Bucket, key);
        using var ms = new MemoryStream();
        await got.ResponseStream.CopyToAsync(ms);
        Convert.ToHexStringLower(SHA256.HashData(ms.ToArray())).ShouldBe(LocalSha(result));
    }

    [KernelFact]
    public async Task Credentials_never_appear_in_logs_results_or_the_manifest_even_when_uploads_fail()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var azurite = await AzuriteBlob.StartNewAsync();
        await using var s3 = await S3rverServer.StartNewAsync("captures");
        var sas = await ContainerSasAsync(azurite, "captures");
        var signature = Uri.UnescapeDataString(sas[(sas.IndexOf("sig=", StringComparison.Ordinal) + 4)..].Split('&')[0]);
        var badSecret = "wrong-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var badKeyId = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var engine = bed.Engine(bed.Options() with
        {
            BlobClientOptionsFactory = AzuriteOptions,
            UploadRetry = new Retina.NodeRuntime.Capture.Outputs.OutputRetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(50) },
        });
        await azurite.StopAsync(); // the blob upload fails: its errors must be scrubbed too
        var request = bed.Request() with
        {
            IncludeMetadata = true,
            Blob = new BlobOutputTarget(sas),
            // s3rver checks the key id but not SigV4 signatures: an unknown key id makes the S3 upload fail.
            S3 = new S3OutputTarget { Bucket = s3.Bucket, Endpoint = s3.Endpoint, AccessKeyId = badKeyId, SecretAccessKey = badSecret },
        };

        var result = await CaptureFiveAsync(bed, engine, request);

        result.Phase.ShouldBe(CapturePhase.Failed);
        result.Reason.ShouldBe(CaptureReasons.UploadFailed);
        var manifest = File.ReadAllText(Path.Combine(await bed.ExtractAsync(result.ArtifactPath!), "capture.json"));
        var everything = string.Join("\n", [.. bed.Log.Lines, result.ToString(), result.Message, manifest, request.ToString(), .. result.Artifacts.Select(a => a.ToString())]);
        everything.ShouldContain("blob upload failed");
        everything.ShouldContain("s3 upload failed", customMessage: result.Message + string.Join(",", result.Artifacts));
        foreach (var secret in new[] { signature, Uri.EscapeDataString(signature), badSecret, badKeyId, sas })
        {
            everything.ShouldNotContain(secret);
        }
    }

    /// <summary>The container holds one blob, the artifact, byte for byte (no duplicate, no half-written object).</summary>
    private static async Task ShouldHoldExactlyTheArtifactAsync(AzuriteBlob azurite, CaptureResult result)
    {
        var container = new BlobServiceClient(azurite.ConnectionString, AzuriteOptions()).GetBlobContainerClient("captures");
        var blobs = new List<string>();
        await foreach (var b in container.GetBlobsAsync())
        {
            blobs.Add(b.Name);
        }

        blobs.ShouldBe([result.ArtifactName!]);
        (await BlobSha256Async(azurite, "captures", result.ArtifactName!)).ShouldBe(LocalSha(result));
    }
}
