using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;

namespace Retina.Kube.Tests.TestSupport;

/// <summary>A fake API server, a real KubernetesClient-based client pointing at it, and a namespace of this test's own.</summary>
public sealed class KubeTestContext : IAsyncDisposable
{
    private readonly CancellationTokenSource cts = new(TimeSpan.FromSeconds(60));

    private KubeTestContext(FakeKubeApiServer server)
    {
        Server = server;
        Client = server.CreateClient();
    }

    public FakeKubeApiServer Server { get; }

    public KubeApiClient Client { get; }

    public string Namespace { get; } = "t-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Cancelled when the test ends or after a minute at most.</summary>
    public CancellationToken Token => cts.Token;

    public static async Task<KubeTestContext> StartAsync(Action<FakeKubeApiOptions>? configure = null)
    {
        var server = await FakeKubeApiServer.StartAsync(o =>
        {
            o.CustomResources.Add(ResourceDescriptor.For<Widget>());
            o.CustomResources.Add(ResourceDescriptor.For<Gadget>());
            configure?.Invoke(o);
        });
        return new KubeTestContext(server);
    }

    /// <summary>Runs a background loop for the test's lifetime and surfaces its failure at dispose.</summary>
    public Task Run(Func<CancellationToken, Task> loop) => Task.Run(() => loop(cts.Token));

    public async ValueTask DisposeAsync()
    {
        await cts.CancelAsync();
        Client.Dispose();
        await Server.DisposeAsync();
        cts.Dispose();
    }
}
