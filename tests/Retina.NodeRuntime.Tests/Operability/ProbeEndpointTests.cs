using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.NodeRuntime.Agent;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Operability;

/// <summary>/healthz and /readyz of a real runtime host over the fake API (issue 17, item 5).</summary>
public sealed class ProbeEndpointTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Readyz_answers_503_until_the_first_pass_converges_and_200_after()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        var root = Directory.CreateTempSubdirectory("probes-").FullName;
        try
        {
            using var stop = new CancellationTokenSource();
            await using var host = await NodeRuntimeHost.StartAsync(client, Options("node-r", root), NullLoggerFactory.Instance, TimeProvider.System, None);
            var run = host.RunAsync(stop.Token);
            using var http = new HttpClient { BaseAddress = host.MetricsAddress };

            // No NodeRuntime for this node yet: alive, but nothing converged.
            var (code, body) = await Until.ValueAsync(() => GetAsync(http, "/healthz"), r => r.Code == HttpStatusCode.OK, "the loop is alive");
            (code, body) = await GetAsync(http, "/readyz");
            code.ShouldBe(HttpStatusCode.ServiceUnavailable);
            body.ShouldContain("no pass has completed");

            var runtime = new NodeRuntimeObject();
            runtime.Metadata.Name = "node-r";
            await client.CreateAsync(runtime, None);
            (code, body) = await Until.ValueAsync(() => GetAsync(http, "/readyz"), r => r.Code == HttpStatusCode.OK, "ready once the spec is converged");
            body.ShouldContain("spec generation");
            (await GetAsync(http, "/healthz")).Code.ShouldBe(HttpStatusCode.OK);

            await StopAsync(stop, run);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Healthz_answers_503_naming_the_wedged_loop_and_recovers_when_the_pass_returns()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        var root = Directory.CreateTempSubdirectory("probes-").FullName;
        try
        {
            var runtime = new NodeRuntimeObject();
            runtime.Metadata.Name = "node-w";
            await client.CreateAsync(runtime, None);

            using var stop = new CancellationTokenSource();
            await using var host = await NodeRuntimeHost.StartAsync(client, Options("node-w", root), NullLoggerFactory.Instance, TimeProvider.System, None);
            // The seam: the pass's first step (metric shaping) blocks on a gate this test holds once it is armed.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var armed = false;
            var shaping = host.Agent.ApplyMetrics;
            host.Agent.ApplyMetrics = async (spec, ct) =>
            {
                if (Volatile.Read(ref armed))
                {
                    await gate.Task.WaitAsync(ct);
                }

                await shaping(spec, ct);
            };
            var run = host.RunAsync(stop.Token);
            using var http = new HttpClient { BaseAddress = host.MetricsAddress };

            await Until.ValueAsync(() => GetAsync(http, "/readyz"), r => r.Code == HttpStatusCode.OK, "ready before the wedge");
            (await GetAsync(http, "/healthz")).Code.ShouldBe(HttpStatusCode.OK);

            Volatile.Write(ref armed, true);
            var (_, body) = await Until.ValueAsync(() => GetAsync(http, "/healthz"), r => r.Code == HttpStatusCode.ServiceUnavailable, "a wedged loop fails liveness");
            body.ShouldContain("the agent loop is wedged");
            body.ShouldContain("3 heartbeat intervals");

            Volatile.Write(ref armed, false);
            gate.SetResult();
            await Until.ValueAsync(() => GetAsync(http, "/healthz"), r => r.Code == HttpStatusCode.OK, "liveness recovers once the pass returns");

            await StopAsync(stop, run);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static NodeAgentOptions Options(string node, string root) => new()
    {
        NodeName = node,
        MetricsAddress = "127.0.0.1:0",
        CaptureBaseDirectory = Path.Combine(root, "captures"),
        WorkDirectory = Path.Combine(root, "work"),
        PluginStateDirectory = Path.Combine(root, "plugins"),
        HeartbeatInterval = TimeSpan.FromMilliseconds(300),
        DiscoverApiServerEndpoints = false,
    };

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task run)
    {
        await stop.CancelAsync();
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}
