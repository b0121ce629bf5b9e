using System.Diagnostics;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Metrics;

public sealed class MetricsExporterTests
{
    [KernelFact]
    public async Task Live_output_with_all_basic_plugins_passes_promtool_check_metrics()
    {
        await using var pair = await NetnsPair.CreateAsync("mx");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA,
            PluginCatalog.Basic.Select(n => PluginTestHost.Request(n, ("interfaces", pair.VethA))).ToArray());
        using var a = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7501);
        NsUdp.Send(a, pair.AddressB, 7502, 5); // B has no socket: drops and ICMP on both sides
        await using var exporter = new MetricsExporter(t.Metrics, new MetricsExporterOptions { Address = "127.0.0.1:0" });
        await exporter.StartAsync(CancellationToken.None);

        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(exporter.BoundAddress!, "/metrics"));

        text.ShouldContain("networkobservability_forward_count{direction=\"egress\"}");
        text.ShouldContain("controlplane_networkobservability_plugin_state");
        t.Metrics.Lost("dns", "channel_full");
        t.Metrics.ParsedPackets.WithLabels("dns").Inc();
        text = await http.GetStringAsync(new Uri(exporter.BoundAddress!, "/metrics"));
        text.ShouldNotContain("dotnet_");
        text.ShouldNotContain("process_");
        var (code, output) = await PromtoolAsync(text);
        code.ShouldBe(0, output);
    }

    [Fact]
    public async Task Retina_counter_names_go_out_untyped_so_the_lint_accepts_them()
    {
        var m = new NodeMetrics();
        m.DropCount.WithLabels("NO_SOCKET", "ingress").Inc(3);
        m.Lost("dns", "ringbuf_full", 2);
        var text = await m.ScrapeAsync();
        text.ShouldContain("# TYPE networkobservability_drop_count untyped");
        text.ShouldContain("# TYPE controlplane_networkobservability_lost_events_total counter");
        text.ShouldContain("networkobservability_drop_count{reason=\"NO_SOCKET\",direction=\"ingress\"} 3");
        if (File.Exists("/usr/bin/promtool"))
        {
            var (code, output) = await PromtoolAsync(text);
            code.ShouldBe(0, output);
        }
    }

    [Fact]
    public async Task Retinas_exact_lost_events_name_is_available_on_request()
    {
        var m = new NodeMetrics(Prometheus.Metrics.NewCustomRegistry(), retinaLostEventsName: true);
        m.Lost("dns", "ringbuf_full");
        (await m.ScrapeAsync()).ShouldContain("controlplane_networkobservability_lost_events_counter{type=\"dns\",reason=\"ringbuf_full\"} 1");
    }

    [Fact]
    public async Task Other_paths_and_methods_get_errors_and_the_server_stops_cleanly()
    {
        var m = new NodeMetrics();
        var exporter = new MetricsExporter(m, new MetricsExporterOptions { Address = "127.0.0.1:0" });
        await exporter.StartAsync(CancellationToken.None);
        using var http = new HttpClient();
        (await http.GetAsync(new Uri(exporter.BoundAddress!, "/other"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        (await http.PostAsync(new Uri(exporter.BoundAddress!, "/metrics"), new StringContent(""))).StatusCode.ShouldBe(System.Net.HttpStatusCode.MethodNotAllowed);
        var ok = await http.GetAsync(new Uri(exporter.BoundAddress!, "/metrics?x=1"));
        ok.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        ok.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var address = exporter.BoundAddress!;
        await exporter.DisposeAsync();
        await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync(new Uri(address, "/metrics")));
    }

    [Theory]
    [InlineData(":10093", "0.0.0.0", 10093)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("[::1]:9000", "::1", 9000)]
    public void Addresses_parse_like_Retina_flags(string address, string ip, int port)
    {
        var ep = MetricsExporter.ParseEndpoint(address);
        ep.Address.ToString().ShouldBe(ip);
        ep.Port.ShouldBe(port);
    }

    internal static async Task<(int Code, string Output)> PromtoolAsync(string text)
    {
        var psi = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(text);
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();

        // Exit 3 is "lint problems only". Retina's dashboards query node_apiserver_handshake_latency_ms by that exact name,
        // which the lint's unit rule dislikes: that one finding is accepted, by name; any other fails.
        var findings = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !RetinaNamedForDashboards.Any(n => l.StartsWith(n + " metric names should not contain abbreviated units", StringComparison.Ordinal)))
            .ToList();
        return p.ExitCode == 3 && findings.Count == 0 ? (0, output) : (p.ExitCode, string.Join('\n', findings));
    }

    private static readonly string[] RetinaNamedForDashboards =
        ["networkobservability_node_apiserver_handshake_latency_ms", "networkobservability_node_apiserver_handshake_latency_ms_bucket"];
}
