using System.Net;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;

namespace Retina.Kube.Tests.Client;

/// <summary>As client-go: a 429 or 5xx that says when to come back (Retry-After) is resent after that delay; others reach the caller.</summary>
public sealed class KubeApiClientRetryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_throttled_write_is_resent_after_retry_after_and_succeeds()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        api.Faults.Add(FakeFault.Throttled("create", "configmaps", TimeSpan.FromSeconds(1), times: 2));

        var created = await client.CreateAsync(ConfigMap("a"), None);

        Assert.Equal("a", created.Metadata.Name);
        Assert.True(api.Faults.AllFired);
        Assert.Equal(3, api.RequestCount("create", "configmaps"));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Without_retry_after_the_failure_reaches_the_caller_at_once(HttpStatusCode code)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        api.Faults.Add(new FakeFault { Verb = "create", Plural = "configmaps", Code = code });

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(ConfigMap("b"), None));

        Assert.Equal(code, e.StatusCode);
        Assert.Equal(1, api.RequestCount("create", "configmaps"));
    }

    [Fact]
    public async Task A_server_that_keeps_throttling_is_given_up_on_after_the_retry_budget()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        api.Faults.Add(FakeFault.Throttled("get", "configmaps", TimeSpan.Zero, times: 100));

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.GetAsync<V1ConfigMap>("c", "default", None));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.Equal(KubeApiClient.MaxRetries + 1, api.RequestCount("get", "configmaps"));
    }

    private static V1ConfigMap ConfigMap(string name) => new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new() { Name = name, NamespaceProperty = "default" } };
}
