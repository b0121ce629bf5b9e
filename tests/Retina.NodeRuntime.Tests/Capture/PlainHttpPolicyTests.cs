using Retina.NodeRuntime.Capture.Outputs;

namespace Retina.NodeRuntime.Tests.Capture;

public sealed class PlainHttpPolicyTests
{
    [Theory]
    [InlineData("https://acct.blob.core.windows.net/caps?sv=1&sig=SECRET", true)]
    [InlineData("http://acct.blob.core.windows.net/caps?sv=1&sig=SECRET", false)]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/caps?sig=SECRET", true)] // host listed without a port: any port
    [InlineData("http://minio.local:9000/", true)]
    [InlineData("http://minio.local:9001/", false)] // listed with another port
    [InlineData("ftp://127.0.0.1/", false)]
    public void Plain_http_is_allowed_only_for_listed_endpoints(string url, bool allowed)
    {
        var policy = new PlainHttpPolicy(["127.0.0.1", "minio.local:9000"]);
        var refusal = policy.Refusal(new Uri(url), "blobUpload");
        (refusal is null).ShouldBe(allowed, refusal);
        refusal?.ShouldNotContain("SECRET", Case.Sensitive, "a refusal names host and port, never the SAS");
    }

    [Fact]
    public void By_default_every_plain_http_endpoint_is_refused_with_the_reason() =>
        PlainHttpPolicy.HttpsOnly.Refusal(new Uri("http://s3.example:80/"), "s3Upload")
            .ShouldBe("s3Upload: plain http to s3.example:80 refused: the credentials would cross the network in clear; use https (an admin may allow an emulator endpoint in the node runtime's PlainHttpOutputEndpoints)");
}
