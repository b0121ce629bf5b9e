using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Capture.Outputs;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>The S3 endpoint and region are checked before any credential is used (issue 10, item 6).</summary>
public sealed class S3EndpointPolicyTests
{
    [Theory]
    [InlineData(null, "us-east-1", null)]
    [InlineData("https://minio.example:9000", "us-east-1", null)]
    [InlineData("https://minio.example:9000/tenant", "eu-west-3", null)]
    [InlineData("http://minio.example:9000", "us-east-1", "s3Upload: plain http to minio.example:9000 refused")]
    [InlineData("ftp://minio.example", "us-east-1", "s3Upload: scheme 'ftp' of minio.example:21 is not https")]
    [InlineData("minio.example:9000", "us-east-1", "s3Upload: endpoint is not an absolute URL such as https://minio.example:9000")]
    [InlineData("/just/a/path", "us-east-1", "s3Upload: endpoint is not an absolute URL")]
    [InlineData("https://AKIA:SECRETKEY@minio.example:9000", "us-east-1", "s3Upload: endpoint minio.example:9000 carries credentials (user:password@)")]
    [InlineData("https://minio.example:9000/?X-Amz-Signature=SECRETKEY", "us-east-1", "has a query or fragment")]
    [InlineData(null, "evil.example#", "s3Upload: region \"evil.example#\" is not an AWS region name")]
    [InlineData(null, "us-east-1.attacker.example", "is not an AWS region name")]
    [InlineData("https://minio.example", "", "is not an AWS region name")]
    public void Endpoint_and_region_are_refused_unless_plain_https_to_a_host(string? endpoint, string region, string? refusal)
    {
        var target = new S3OutputTarget { Bucket = "b", Region = region, Endpoint = endpoint, AccessKeyId = "AKIA", SecretAccessKey = "SECRETKEY" };
        var why = S3Output.Refusal(target, PlainHttpPolicy.HttpsOnly);
        if (refusal is null)
        {
            why.ShouldBeNull();
            return;
        }

        why.ShouldNotBeNull().ShouldContain(refusal);
        why.ShouldNotContain("SECRETKEY", customMessage: "a refusal never repeats credentials");
    }

    [Fact]
    public void An_admin_listed_emulator_may_use_plain_http() =>
        S3Output.Refusal(new S3OutputTarget { Bucket = "b", Endpoint = "http://127.0.0.1:9000", AccessKeyId = "a", SecretAccessKey = "s" }, new PlainHttpPolicy(["127.0.0.1:9000"]))
            .ShouldBeNull();

    [Fact]
    public async Task A_refused_endpoint_fails_delivery_for_good_without_a_connection()
    {
        var artifact = Path.GetTempFileName();
        try
        {
            var output = new S3Output(new S3OutputTarget { Bucket = "b", Endpoint = "https://u:SECRETKEY@127.0.0.1:1", AccessKeyId = "a", SecretAccessKey = "s" });
            var e = await Should.ThrowAsync<OutputPermanentException>(() => output.DeliverAsync(new CaptureArtifact(artifact, "c.tar.gz", "00", 0), CancellationToken.None));
            e.Message.ShouldNotContain("SECRETKEY");
            e.Message.ShouldContain("carries credentials");
        }
        finally
        {
            File.Delete(artifact);
        }
    }
}
