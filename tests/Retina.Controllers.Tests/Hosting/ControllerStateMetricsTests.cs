using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Retina.Api.Capture;
using Retina.Api.NodeRuntime;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Hosting;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.Controllers.Tests.Hosting;

/// <summary>The controllers' state gauges as Prometheus reads them: the real /metrics handler over the harness's registry.</summary>
public sealed partial class ControllerStateMetricsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Work_objects_are_counted_by_kind_and_phase_and_follow_phase_changes_and_deletions()
    {
        await using var h = await ControllerHarness.StartAsync();
        await using var metrics = await MetricsEndpoint.StartAsync(h);
        await h.AddNodeAsync("n1", new() { ["os"] = "linux" });
        string[] names = ["waiting", "running-a", "running-b", "uploading", "completed", "failed"];
        foreach (var name in names)
        {
            await h.Client.CreateAsync(Objects.NodeCapture("work", name, nodeLabels: new() { ["os"] = "linux" }), None);
        }

        await h.Client.CreateAsync(TraceSession.TraceBed.NodeTrace("work", "trace"), None);
        var runtime = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n1", null, None), r => r?.Spec.Captures?.Count == names.Length,
            "n1 gets every capture");
        var keys = runtime!.Spec.Captures!.ToDictionary(a => a.Key.Split('/')[1], a => a.Key);
        var reported = new Dictionary<string, string>
        {
            ["waiting"] = CapturePhase.Pending,
            ["running-a"] = CapturePhase.Running,
            ["running-b"] = CapturePhase.Running,
            ["uploading"] = CapturePhase.Uploading,
            ["completed"] = CapturePhase.Completed,
            ["failed"] = CapturePhase.Failed,
        };
        await ReportAsync(h, keys, reported);
        await PhasesInApiAsync(h, reported);

        var counts = await metrics.UntilAsync(
            Expected(("Capture", CapturePhase.Pending, 1), ("Capture", CapturePhase.Running, 2), ("Capture", CapturePhase.Uploading, 1),
                ("Capture", CapturePhase.Completed, 1), ("Capture", CapturePhase.Failed, 1), ("TraceSession", CapturePhase.Pending, 1)),
            "each capture counts in its phase and the trace as Pending");
        counts["ShellSession"].Values.ShouldAllBe(n => n == 0, "a kind with no objects exports its phases at 0");
        counts["ShellSession"].Keys.ShouldBe(Api.ShellSession.ShellPhase.All, ignoreOrder: true);

        reported["running-b"] = CapturePhase.Completed;
        await ReportAsync(h, keys, reported);
        await metrics.UntilAsync(
            Expected(("Capture", CapturePhase.Pending, 1), ("Capture", CapturePhase.Running, 1), ("Capture", CapturePhase.Uploading, 1),
                ("Capture", CapturePhase.Completed, 2), ("Capture", CapturePhase.Failed, 1), ("TraceSession", CapturePhase.Pending, 1)),
            "a capture that completes moves from Running to Completed");

        await h.Client.DeleteAsync<CaptureObject>("failed", "work", None);
        await h.Client.DeleteAsync<TraceObject>("trace", "work", None);
        await metrics.UntilAsync(
            Expected(("Capture", CapturePhase.Pending, 1), ("Capture", CapturePhase.Running, 1), ("Capture", CapturePhase.Uploading, 1),
                ("Capture", CapturePhase.Completed, 2)),
            "deleted objects leave their phase at 0");
    }

    [Fact]
    public async Task Heartbeat_ages_come_from_the_NodeRuntimes_and_silent_runtimes_are_counted_by_the_controllers_rule()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1));
        await using var h = await ControllerHarness.StartAsync(metricsTime: clock);
        await using var metrics = await MetricsEndpoint.StartAsync(h);
        foreach (var node in new[] { "stale", "fresh", "never" })
        {
            await h.AddNodeAsync(node);
        }

        var never = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("never", null, None), r => r is not null, "the controllers create the NodeRuntimes");
        await Until.TrueAsync(async () => await h.Client.GetAsync<NodeRuntimeObject>("stale", null, None) is not null
            && await h.Client.GetAsync<NodeRuntimeObject>("fresh", null, None) is not null, "every node has its NodeRuntime");
        var created = DateTime.SpecifyKind(never!.Metadata.CreationTimestamp!.Value, DateTimeKind.Utc);

        // Whole seconds (heartbeats and creation times are written to the second), so the ages are exact.
        var now = created + TimeSpan.FromSeconds(30);
        clock.SetUtcNow(now);
        await NodeReports.HeartbeatAsync(h.Client, "stale", now - TimeSpan.FromSeconds(300));
        await NodeReports.HeartbeatAsync(h.Client, "fresh", now - TimeSpan.FromSeconds(10));

        var text = await metrics.UntilTextAsync(t => Age(t, "stale") is not null && Age(t, "fresh") is not null, "both heartbeats are read");
        Age(text, "stale")!.Value.ShouldBe(300, 0.001);
        Age(text, "fresh")!.Value.ShouldBe(10, 0.001);
        Age(text, "never").ShouldBeNull("a runtime that never reported has no age");
        Value(text, "retina_controller_noderuntimes_silent").ShouldBe(1, "only the runtime silent for 300 s; the one never heard from is within its grace (30 s of 2m)");

        // 95 s without a heartbeat passes the 90 s timeout; 115 s since creation is still within the grace.
        clock.Advance(TimeSpan.FromSeconds(85));
        text = await metrics.ScrapeAsync();
        Age(text, "stale")!.Value.ShouldBe(385, 0.001);
        Age(text, "fresh")!.Value.ShouldBe(95, 0.001);
        Value(text, "retina_controller_noderuntimes_silent").ShouldBe(2);

        clock.Advance(TimeSpan.FromSeconds(10));
        Value(await metrics.ScrapeAsync(), "retina_controller_noderuntimes_silent").ShouldBe(3, "125 s after creation without a report is past the 2m grace");

        await NodeReports.HeartbeatAsync(h.Client, "fresh", clock.GetUtcNow().UtcDateTime);
        text = await metrics.UntilTextAsync(t => Age(t, "fresh") == 0, "a new heartbeat resets the age");
        Value(text, "retina_controller_noderuntimes_silent").ShouldBe(2);

        await h.Client.DeleteAsync<V1Node>("stale", null, None);
        text = await metrics.UntilTextAsync(t => Age(t, "stale") is null, "the deleted node's NodeRuntime goes, and its series with it");
        Value(text, "retina_controller_noderuntimes_silent").ShouldBe(1);
        Age(text, "fresh").ShouldBe(0);
    }

    private static Task ReportAsync(ControllerHarness h, Dictionary<string, string> keys, Dictionary<string, string> phases) =>
        NodeReports.ReportAsync(h.Client, "n1", [.. phases.Select(p => new NodeWorkStatus { Key = keys[p.Key], Phase = p.Value })]);

    private static Task PhasesInApiAsync(ControllerHarness h, Dictionary<string, string> phases) =>
        Until.TrueAsync(async () =>
        {
            foreach (var (name, phase) in phases)
            {
                if ((await h.Client.GetAsync<CaptureObject>(name, "work", None))?.Status?.Phase != phase)
                {
                    return false;
                }
            }

            return true;
        }, "every capture shows the phase its node reported");

    /// <summary>Every phase of the three kinds at 0 except those named.</summary>
    private static Dictionary<string, Dictionary<string, double>> Expected(params (string Kind, string Phase, int Count)[] counts)
    {
        var all = new Dictionary<string, Dictionary<string, double>>
        {
            ["Capture"] = CapturePhase.All.ToDictionary(p => p, _ => 0d),
            ["TraceSession"] = CapturePhase.All.ToDictionary(p => p, _ => 0d),
            ["ShellSession"] = Api.ShellSession.ShellPhase.All.ToDictionary(p => p, _ => 0d),
        };
        foreach (var (kind, phase, count) in counts)
        {
            all[kind][phase] = count;
        }

        return all;
    }

    private static double? Age(string text, string node) => Value(text, $"retina_controller_noderuntime_heartbeat_age_seconds{{node=\"{node}\"}}");

    private static double? Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static Dictionary<string, Dictionary<string, double>> ObjectCounts(string text)
    {
        var counts = new Dictionary<string, Dictionary<string, double>>();
        foreach (Match m in ObjectsLine().Matches(text))
        {
            var byPhase = counts.TryGetValue(m.Groups["kind"].Value, out var d) ? d : counts[m.Groups["kind"].Value] = [];
            byPhase[m.Groups["phase"].Value] = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return counts;
    }

    private static bool Same(Dictionary<string, Dictionary<string, double>> a, Dictionary<string, Dictionary<string, double>> b) =>
        a.Count == b.Count && a.All(kind => b.TryGetValue(kind.Key, out var other) && other.Count == kind.Value.Count
            && kind.Value.All(p => other.TryGetValue(p.Key, out var v) && v == p.Value));

    [GeneratedRegex("""^retina_controller_objects\{kind="(?<kind>[^"]+)",phase="(?<phase>[^"]+)"\} (?<value>\S+)$""", RegexOptions.Multiline)]
    private static partial Regex ObjectsLine();

    /// <summary>The controllers' /metrics handler (<see cref="ControllerRuntimeEndpointExtensions.MapHealth"/>) serving the harness's registry.</summary>
    private sealed class MetricsEndpoint : IAsyncDisposable
    {
        private readonly ControllerRuntimeServer server;
        private readonly HttpClient http;

        private MetricsEndpoint(ControllerRuntimeServer server)
        {
            this.server = server;
            http = new HttpClient { BaseAddress = server.Address };
        }

        public static async Task<MetricsEndpoint> StartAsync(ControllerHarness h) =>
            new(await ControllerRuntimeServer.StartAsync("http://127.0.0.1:0", new ControllerManager([]), new ControllerRuntimeOptions { Registry = h.Registry }));

        public Task<string> ScrapeAsync() => http.GetStringAsync("/metrics");

        public Task<string> UntilTextAsync(Func<string, bool> accept, string because) => Until.ValueAsync(ScrapeAsync, accept, because);

        /// <summary>Scrapes until retina_controller_objects reads exactly <paramref name="expected"/> (every kind and phase).</summary>
        public async Task<Dictionary<string, Dictionary<string, double>>> UntilAsync(Dictionary<string, Dictionary<string, double>> expected, string because)
        {
            Dictionary<string, Dictionary<string, double>> seen = [];
            try
            {
                await Until.TrueAsync(async () => Same(seen = ObjectCounts(await ScrapeAsync()), expected), because);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}; last scrape: {string.Join("; ", seen.Select(k => k.Key + " " + string.Join(",", k.Value.Select(p => $"{p.Key}={p.Value}"))))}");
            }

            return seen;
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await server.DisposeAsync();
        }
    }
}
