using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Retina.CrdGen.Tests.Tooling;
using Retina.Kube.Store;
using Retina.Testing.Netns;

namespace Retina.CrdGen.Tests.Observability;

public sealed class ScrapeConfigTests
{
    private const string NodeJob = "retina-node-runtime";

    private static readonly string PlainSample = Path.Combine(Kustomized.Components, "prometheus-config", "scrape-configs.yaml");
    private static readonly string AzureMonitorJob = Path.Combine(Kustomized.Components, "azure-monitor", "prometheus-config");

    /// <summary>
    /// Debian's Prometheus is built without Kubernetes service discovery, so promtool refuses kubernetes_sd_configs:
    /// each job's discovery is checked here (a role Prometheus knows) and replaced by a static target, and promtool
    /// checks the rest (relabel regexes, actions, intervals) as Prometheus would load it.
    /// </summary>
    [ToolFact("promtool", "prometheus")]
    public async Task The_plain_scrape_configs_and_the_azure_monitor_node_job_pass_promtool_check_config()
    {
        foreach (var file in new[] { PlainSample, AzureMonitorJob })
        {
            var document = YamlJson.ParseFile(file).Single();
            foreach (var job in document["scrape_configs"]!.AsArray().Select(j => j!.AsObject()))
            {
                var discovery = job["kubernetes_sd_configs"]!.AsArray().ShouldHaveSingleItem()!;
                discovery["role"]!.GetValue<string>().ShouldBeOneOf("endpoints", "service", "pod");
                job.Remove("kubernetes_sd_configs");
                job["static_configs"] = new JsonArray(new JsonObject { ["targets"] = new JsonArray("127.0.0.1:10093") });
            }

            document["global"] = new JsonObject { ["scrape_interval"] = "30s" };
            var config = Path.Combine(Path.GetTempPath(), $"retina-prometheus-{Guid.NewGuid():N}.yml");
            await File.WriteAllTextAsync(config, YamlJson.Write(document));
            try
            {
                var result = await Shell.RunAsync("promtool", ["check", "config", "--syntax-only", config]);
                result.ExitCode.ShouldBe(0, $"{file}: {result.StdOut}{result.StdErr}");
            }
            finally
            {
                File.Delete(config);
            }
        }
    }

    [ToolFact("kubectl", "kubectl")]
    public async Task Retinas_own_pod_scrape_jobs_keep_the_node_runtime_and_scrape_its_metrics_port()
    {
        var template = Kustomized.Single(await Kustomized.BaseWithAsync(), "DaemonSet", "retina-node-runtime")["spec"]!["template"]!;
        var container = template["spec"]!["containers"]!.AsArray().Single()!;
        var annotations = template["metadata"]!["annotations"]!;
        var name = container["name"]!.GetValue<string>();

        // Prometheus anchors relabel regexes: Retina's deploy/standard values keep "retina", its older docs "retina(.*)"
        Regex.IsMatch(name, "^(?:retina)$").ShouldBeTrue(name);
        Regex.IsMatch(name, "^(?:retina(.*))$").ShouldBeTrue(name);
        annotations["prometheus.io/scrape"]!.GetValue<string>().ShouldBe("true");
        var port = container["ports"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "metrics")!["containerPort"]!.GetValue<long>();
        annotations["prometheus.io/port"]!.GetValue<string>().ShouldBe(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        annotations["prometheus.io/path"]!.GetValue<string>().ShouldBe("/metrics");
        annotations["kubectl.kubernetes.io/default-container"]!.GetValue<string>().ShouldBe(name);
    }

    [ToolFact("kubectl", "kubectl")]
    public async Task The_azure_monitor_job_keeps_the_service_the_base_ships_and_reaches_the_runtime_on_the_node()
    {
        var service = Kustomized.Single(await Kustomized.BaseWithAsync(), "Service", "retina-node-runtime");
        var port = service["spec"]!["ports"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "metrics")!;
        var job = Jobs(AzureMonitorJob).Single();
        var keep = job["relabel_configs"]!.AsArray().First(r => r!["action"]!.GetValue<string>() == "keep")!;

        Regex.IsMatch($"{service["metadata"]!["namespace"]};{Kustomized.Name(service)};{port["name"]}", $"^(?:{keep["regex"]})$").ShouldBeTrue();
        // the agent scrapes $NODE_IP on the Service's port number: it must be the runtime's hostNetwork port
        port["port"]!.GetValue<long>().ShouldBe(10093L);
        port["targetPort"]!.GetValue<string>().ShouldBe("metrics");
        job["relabel_configs"]!.AsArray().Select(r => (Target: (string?)r!["target_label"], Replacement: (string?)r["replacement"]))
            .ShouldContain(("instance", "$NODE_NAME"));
    }

    [ToolFact("kubectl", "kubectl")]
    public async Task Every_way_we_scrape_the_node_runtime_names_the_job_the_alert_rules_select()
    {
        var monitors = (await Kustomized.BaseWithAsync("servicemonitor", "podmonitor"))
            .Where(d => Kustomized.Kind(d) is "ServiceMonitor" or "PodMonitor" && Kustomized.Name(d) == NodeJob).ToList();
        monitors.Count.ShouldBe(2);
        foreach (var monitor in monitors)
        {
            // jobLabel names the Service's (or pod's) label whose value becomes job
            monitor["spec"]!["jobLabel"]!.GetValue<string>().ShouldBe("app.kubernetes.io/name");
            monitor["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]!.GetValue<string>().ShouldBe(NodeJob);
        }

        Jobs(PlainSample).Select(j => j["job_name"]!.GetValue<string>()).ShouldBe([NodeJob, "retina-controllers"]);
        Jobs(AzureMonitorJob).Single()["job_name"]!.GetValue<string>().ShouldBe(NodeJob);
        File.ReadAllText(AlertRules.RuleFile).ShouldContain($"job=\"{NodeJob}\"");
    }

    private static IReadOnlyList<JsonNode> Jobs(string file) => [.. YamlJson.ParseFile(file).Single()["scrape_configs"]!.AsArray().Select(j => j!)];
}
