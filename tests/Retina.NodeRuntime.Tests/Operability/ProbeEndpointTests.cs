using System.Net;
using Retina.NodeRuntime.Tests.Agent;
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
        await using var node = await BareNode.StartApiAsync();
        var client = node.Client;
        var host = await node.StartHostAsync("node-r", Heartbeat);
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
    }

    [Fact]
    public async Task Healthz_answers_503_naming_the_wedged_loop_and_recovers_when_the_pass_returns()
    {
        await using var node = await BareNode.StartApiAsync();
        var client = node.Client;
        var runtime = new NodeRuntimeObject();
        runtime.Metadata.Name = "node-w";
        await client.CreateAsync(runtime, None);

        // The seam: the pass's first step (metric shaping) blocks on a gate this test holds once it is armed.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var armed = false;
        var host = await node.StartHostAsync("node-w", Heartbeat, h =>
        {
            var shaping = h.Agent.ApplyMetrics;
            h.Agent.ApplyMetrics = async (spec, ct) =>
            {
                if (Volatile.Read(ref armed))
                {
                    await gate.Task.WaitAsync(ct);
                }

                await shaping(spec, ct);
            };
        });
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
    }

    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(300);

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
