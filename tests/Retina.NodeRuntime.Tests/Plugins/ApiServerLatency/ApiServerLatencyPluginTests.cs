using System.Text.RegularExpressions;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.ApiServerLatency;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Plugins.ApiServerLatency;

/// <summary>
/// The plugin host's "node" is namespace A; the stand-in API servers listen in namespace B across a veth.
/// Timings are asserted only as bucket membership with wide margins.
/// </summary>
public sealed partial class ApiServerLatencyPluginTests
{
    private const string Latency = "networkobservability_node_apiserver_latency";
    private const string Handshake = "networkobservability_node_apiserver_handshake_latency_ms";
    private const string NoResponse = "networkobservability_node_apiserver_no_response";

    [KernelFact]
    public async Task Answers_300ms_late_land_in_the_latency_bucket_that_contains_300ms()
    {
        await using var pair = await NetnsPair.CreateAsync("asl");
        await using var server = await TestListener.StartAsync(pair.NamespaceB, pair.AddressB, 7911, TimeSpan.FromMilliseconds(300));
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, Probe($"{pair.AddressB}:7911", interval: "500ms", timeout: "2s"));
        t.State(ApiServerLatencyPlugin.PluginName).ShouldBe(PluginState.Running(ApiServerLatencyPlugin.PluginName, "tcp+tls probe"));

        var text = await Until.ValueAsync(() => t.Metrics.ScrapeAsync(), s => HistogramText.Count(s, Latency) >= 3, "three answers were timed");

        var count = HistogramText.Count(text, Latency);
        HistogramText.Bucket(text, Latency, 250).ShouldBe(0, "no answer came sooner than the server's 300 ms");
        HistogramText.Bucket(text, Latency, 1000).ShouldBe(count, "every answer came within (250 ms, 1 s]");
        MetricsText.Value(text, NoResponse).ShouldBe(0);
        HistogramText.Count(text, Handshake).ShouldBeGreaterThanOrEqualTo(count);
    }

    [KernelFact]
    public async Task A_fast_server_fills_the_handshake_histogram_with_quick_handshakes()
    {
        await using var pair = await NetnsPair.CreateAsync("ash");
        await using var server = await TestListener.StartAsync(pair.NamespaceB, pair.AddressB, 7912, TimeSpan.Zero);
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, Probe($"{pair.AddressB}:7912", interval: "200ms", timeout: "2s", request: "http"));

        var text = await Until.ValueAsync(() => t.Metrics.ScrapeAsync(), s => HistogramText.Count(s, Handshake) >= 5, "five handshakes were timed");

        var handshakes = HistogramText.Count(text, Handshake);
        HistogramText.Bucket(text, Handshake, 250).ShouldBe(handshakes, "a handshake across one veth takes far less than 250 ms");
        HistogramText.Bucket(text, Handshake, double.PositiveInfinity).ShouldBe(handshakes);
        MetricsText.Value(text, NoResponse).ShouldBe(0);
        server.Accepted.ShouldBeGreaterThanOrEqualTo((int)handshakes);
    }

    [KernelFact]
    public async Task A_server_that_accepts_and_never_answers_counts_one_no_response_per_probe()
    {
        await using var pair = await NetnsPair.CreateAsync("asn");
        await using var server = await TestListener.StartAsync(pair.NamespaceB, pair.AddressB, 7913, answerAfter: null);
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, Probe($"{pair.AddressB}:7913", interval: "1s", timeout: "300ms"));

        // Between two probes (300 ms of waiting in each 1 s) every accepted connection has been judged.
        await Until.TrueAsync(async () =>
        {
            var text = await t.Metrics.ScrapeAsync();
            var noResponse = MetricsText.Value(text, NoResponse);
            return noResponse >= 3 && noResponse == server.Accepted && HistogramText.Count(text, Handshake) == noResponse;
        }, "no_response equals the connections the server accepted (and each handshake was timed)");

        HistogramText.Count(await t.Metrics.ScrapeAsync(), Latency).ShouldBe(0);
    }

    [KernelFact]
    public async Task Dropped_syns_count_one_no_response_per_probe_and_no_handshake()
    {
        await using var pair = await NetnsPair.CreateAsync("asd");
        await NetnsPair.ExecAsync(pair.NamespaceB, "nft", "add", "table", "inet", "asl");
        await NetnsPair.ExecAsync(pair.NamespaceB, "nft", "add", "chain", "inet", "asl", "input", "{ type filter hook input priority 0 ; }");
        await NetnsPair.ExecAsync(pair.NamespaceB, "nft", "add", "rule", "inet", "asl", "input", "tcp", "dport", "7914", "tcp", "flags", "syn", "counter", "drop");

        // A timeout under the first SYN retransmission (1 s) makes each probe exactly one SYN.
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, Probe($"{pair.AddressB}:7914", interval: "1s", timeout: "300ms"));

        // Every probe sent at least one SYN and got nothing back. On a loaded machine a probe's socket can outlive its
        // timeout long enough to retransmit its SYN (1 s), so dropped SYNs bound the count from above, not exactly.
        await Until.TrueAsync(async () =>
        {
            var noResponse = await t.ValueAsync(NoResponse);
            return noResponse >= 3 && noResponse <= await DroppedSynsAsync(pair.NamespaceB);
        }, "every probe whose SYN the nft rule dropped counts as no response");

        var text = await t.Metrics.ScrapeAsync();
        HistogramText.Count(text, Handshake).ShouldBe(0);
        HistogramText.Count(text, Latency).ShouldBe(0);
    }

    [KernelFact]
    public async Task Invalid_settings_fail_the_plugin_with_every_problem_named_and_others_keep_running()
    {
        await using var pair = await NetnsPair.CreateAsync("asv");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA,
            PluginTestHost.Request(ApiServerLatencyPlugin.PluginName, ("endpoints", "apiserver.local:6443"), ("interval", "forever"), ("maxConcurrency", "0")),
            new PluginRequest("linuxutil"));

        var state = t.State(ApiServerLatencyPlugin.PluginName);
        state.State.ShouldBe(PluginPhase.Failed);
        state.Reason.ShouldNotBeNull();
        state.Reason.ShouldContain("settings.endpoints: \"apiserver.local:6443\"");
        state.Reason.ShouldContain("settings.interval: \"forever\"");
        state.Reason.ShouldContain("settings.maxConcurrency: \"0\"");
        t.State("linuxutil").State.ShouldBe(PluginPhase.Running);
    }

    [KernelFact]
    public async Task A_real_tls_server_answers_the_probes_client_hello()
    {
        await using var pair = await NetnsPair.CreateAsync("ast");
        var dir = Directory.CreateTempSubdirectory("retina-asl-tls-").FullName;
        try
        {
            await Shell.CheckAsync("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=apiserver",
                "-days", "1", "-keyout", Path.Combine(dir, "key.pem"), "-out", Path.Combine(dir, "cert.pem"));
            using var server = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip",
                ["netns", "exec", pair.NamespaceB, "openssl", "s_server", "-quiet", "-accept", $"{pair.AddressB}:7915", "-cert", Path.Combine(dir, "cert.pem"), "-key", Path.Combine(dir, "key.pem")])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            try
            {
                await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, Probe($"{pair.AddressB}:7915", interval: "300ms", timeout: "2s"));

                // Until s_server listens the probes are refused (no_response); then each ClientHello gets a TLS answer.
                await Until.TrueAsync(async () => HistogramText.Count(await t.Metrics.ScrapeAsync(), Latency) >= 2, "openssl s_server answered two ClientHellos");
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static PluginRequest Probe(string endpoints, string interval, string timeout, string request = "tls") =>
        PluginTestHost.Request(ApiServerLatencyPlugin.PluginName,
            ("endpoints", endpoints), ("interval", interval), ("timeout", timeout), ("request", request), ("discover", "false"));

    private static async Task<long> DroppedSynsAsync(string ns)
    {
        var rules = await NetnsPair.ExecAsync(ns, "nft", "list", "chain", "inet", "asl", "input");
        return long.Parse(CounterPackets().Match(rules).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterPackets();
}
