using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.Controllers.NodeRuntime;
using Retina.Controllers.Options;

namespace Retina.Controllers.Tests.Knobs;

/// <summary>Retina's agent keys in the controller configuration: bound under Retina's names, validated, written as plugin settings.</summary>
public sealed class RetinaAgentKeysTests
{
    private static RetinaControllerOptions Bind(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        return RetinaControllerOptions.From(config);
    }

    private static readonly NodeMetricsSpec Metrics = new() { ContextOptions = [new MetricsContextOptions { MetricName = "forward_count" }] };

    private static Dictionary<string, string> PacketParserSettings(RetinaControllerOptions options)
    {
        var desired = NodeRuntimeSpecBuilder.Desired(options.Plugins, Metrics, AgentKnobs.PluginSettings(options));
        var pp = desired["plugins"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "packetparser")!;
        return pp["settings"] is JsonObject s ? s.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>()) : [];
    }

    [Fact]
    public void Retinas_keys_under_retinas_names_reach_the_packetparser_settings()
    {
        var options = Bind("""
            {"Retina":{"Controller":{"enabledPlugin":["packetparser","dns"],"dataAggregationLevel":"high","dataSamplingRate":4,
              "conntrackReportInterval":"5s","bypassLookupIPOfInterest":true,"filterMapMaxEntries":255,"enableTCX":"off",
              "packetParserRingBuffer":"enabled","packetParserRingBufferSize":8388608,"enableConntrackMetrics":true}}}
            """);
        options.Validate().ShouldBeEmpty();
        options.Plugins.ShouldBe(["packetparser", "dns"]);
        PacketParserSettings(options).ShouldBe(new Dictionary<string, string>
        {
            ["aggregation"] = "high",
            ["sampling"] = "4",
            ["conntrack"] = "false",
            ["reportInterval"] = "5s",
            ["filterIps"] = "false",
            ["addressTableSize"] = "255",
            ["tcx"] = "off",
            ["ringBufferSize"] = "8388608",
            ["conntrackMetrics"] = "true",
        }, ignoreOrder: true);
    }

    [Fact]
    public void Defaults_write_no_settings_so_existing_nodes_see_no_change()
    {
        var options = Bind("""{"Retina":{"Controller":{"Plugins":["packetparser"]}}}""");
        options.Validate().ShouldBeEmpty();
        PacketParserSettings(options).ShouldBeEmpty();
        NodeRuntimeSpecBuilder.Desired(options.Plugins, Metrics, AgentKnobs.PluginSettings(options))["plugins"]![0]!["settings"].ShouldBeNull();
    }

    [Fact]
    public void Every_bad_value_is_refused_at_start_up_naming_its_key()
    {
        var problems = Bind("""
            {"Retina":{"Controller":{"dataAggregationLevel":"medium","dataSamplingRate":0,"conntrackReportInterval":"often",
              "filterMapMaxEntries":10,"enableTCX":"maybe","packetParserRingBuffer":"auto","packetParserRingBufferSize":5000,
              "annotationMetricsTtl":"-1s"}}}
            """).Validate();
        foreach (var key in new[] { "dataAggregationLevel", "dataSamplingRate", "conntrackReportInterval", "filterMapMaxEntries", "enableTCX", "packetParserRingBuffer:", "packetParserRingBufferSize", "annotationMetricsTtl" })
        {
            problems.ShouldContain(p => p.Contains("Retina:Controller:" + key), key);
        }

        problems.Count.ShouldBe(8);
    }

    [Fact]
    public void Pod_level_off_drops_packetparser_even_with_metrics_asked_for()
    {
        var options = Bind("""{"Retina":{"Controller":{"Plugins":["packetparser","dns"],"enablePodLevel":false}}}""");
        options.Agent.EnablePodLevel.ShouldBeFalse();
        options.Agent.EnableAnnotations.ShouldBeFalse("annotations are off unless asked for, as in Retina");
    }
}
