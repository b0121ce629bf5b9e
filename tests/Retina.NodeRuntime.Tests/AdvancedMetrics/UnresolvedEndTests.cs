using System.Diagnostics;
using System.Globalization;
using System.Text;
using Retina.NodeRuntime.Tests.PacketParser;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.AdvancedMetrics;

/// <summary>
/// Real traffic between a pod and the node's own address: the node end resolves as Retina resolves
/// it (no pod, so <c>unknown</c>), and the splits of Retina's pod-level dashboard on
/// <c>podname="unknown"</c> / <c>!="unknown"</c>, evaluated by promtool, see it there.
/// </summary>
public sealed class UnresolvedEndTests
{
    private const string Forward = "networkobservability_adv_forward_count";
    private static readonly string[] Tokens = ["ip", "namespace", "podname", "workload", "zone"];

    [KernelFact]
    public async Task Traffic_between_a_pod_and_the_node_address_names_the_node_end_unknown()
    {
        await using var bed = await PodLevelBed.StartAsync("ppu", 1, Spec(Option("forward_count", Tokens, Tokens, ["direction"])));
        var a = bed.Network.Pods[0];
        var node = bed.Network.NodeAddress;
        using var pod = await NsUdp.BindAsync(a.Namespace, a.Address, 7081);
        using var host = await NsUdp.BindAsync(bed.Network.Node, node, 7081);

        NsUdp.Send(pod, node, 7081, 4);
        NsUdp.Drain(host, 4, TimeSpan.FromSeconds(5)).ShouldBe(4);
        NsUdp.Send(host, a.Address, 7081, 3);
        NsUdp.Drain(pod, 3, TimeSpan.FromSeconds(5)).ShouldBe(3);

        await bed.WaitForAsync(Forward, 4, ("source_podname", "pod-0"), ("destination_ip", node), ("destination_podname", "unknown"), ("direction", "egress"));
        await bed.WaitForAsync(Forward, 3, ("source_ip", node), ("source_podname", "unknown"), ("destination_podname", "pod-0"), ("direction", "ingress"));

        var text = await bed.ScrapeAsync();
        var series = SeriesLines.Of(text, Forward);
        series.Count.ShouldBe(2);
        foreach (var (labels, _) in series)
        {
            var nodeEnd = labels["source_ip"] == node ? "source_" : "destination_";
            var podEnd = nodeEnd == "source_" ? "destination_" : "source_";
            foreach (var t in new[] { "namespace", "podname", "workload_kind", "workload_name", "zone" })
            {
                labels[nodeEnd + t].ShouldBe("unknown", nodeEnd + t);
            }

            labels[podEnd + "namespace"].ShouldBe("shop");
            labels[podEnd + "workload_kind"].ShouldBe("Deployment");
            labels[podEnd + "workload_name"].ShouldBe("app0");
            labels[podEnd + "zone"].ShouldBe("unknown"); // the bed watches no Node objects
        }

        // The queries of Retina's standard-pod-level dashboard, without irate: the pod-to-pod panels
        // leave the node out, the "unknown" panels list it by address.
        await PromtoolAsync(text, Forward,
            ($"sum by(destination_ip) ({Forward}{{destination_podname=\"unknown\"}})", $"{{destination_ip=\"{node}\"}}", 4),
            ($"sum by(source_ip) ({Forward}{{source_podname=\"unknown\"}})", $"{{source_ip=\"{node}\"}}", 3),
            ($"sum by(source_podname) ({Forward}{{source_podname!=\"unknown\"}})", "{source_podname=\"pod-0\"}", 4),
            ($"count({Forward}{{destination_podname!=\"unknown\", source_podname!=\"unknown\"}}) or vector(0)", "{}", 0));
    }

    // promtool evaluates each expression on the scraped series and compares with the expected sample.
    private static async Task PromtoolAsync(string scraped, string metric, params (string Expr, string Labels, double Value)[] checks)
    {
        if (!File.Exists("/usr/bin/promtool"))
        {
            return;
        }

        var yaml = new StringBuilder("tests:\n  - interval: 1m\n    input_series:\n");
        foreach (var line in scraped.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal)))
        {
            var cut = line.LastIndexOf(' ');
            yaml.Append(CultureInfo.InvariantCulture, $"      - series: '{line[..cut]}'\n        values: '{line[(cut + 1)..]}'\n");
        }

        yaml.Append("    promql_expr_test:\n");
        foreach (var (expr, labels, value) in checks)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"      - expr: '{expr}'\n        eval_time: 0m\n        exp_samples:\n          - labels: '{labels}'\n            value: {value}\n");
        }

        var dir = Directory.CreateTempSubdirectory("retina-promql-").FullName;
        try
        {
            var file = Path.Combine(dir, "dashboard-test.yaml");
            await File.WriteAllTextAsync(file, yaml.ToString());
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/promtool", ["test", "rules", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            p.ExitCode.ShouldBe(0, yaml + output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
