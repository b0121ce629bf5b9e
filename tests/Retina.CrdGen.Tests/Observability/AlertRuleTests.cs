using System.Text.Json.Nodes;
using Retina.CrdGen.Tests.Tooling;
using Retina.Kube.Store;
using Retina.Testing.Netns;

namespace Retina.CrdGen.Tests.Observability;

public sealed class AlertRuleTests
{
    [ToolFact("promtool", "prometheus")]
    public async Task The_rule_file_and_the_generated_PrometheusRule_pass_promtool_check_rules()
    {
        var plain = await Shell.RunAsync("promtool", ["check", "rules", AlertRules.RuleFile]);
        plain.ExitCode.ShouldBe(0, plain.StdOut + plain.StdErr);
        plain.StdOut.ShouldContain($"SUCCESS: {AlertRules.Alerts().Count} rules found");

        // the operator's object holds a rule file's groups under spec: promtool must accept them as they will be loaded
        var spec = YamlJson.ParseFile(AlertRules.PrometheusRule).Single()["spec"]!;
        var file = Path.Combine(Path.GetTempPath(), $"retina-prometheusrule-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, YamlJson.Write(spec));
        try
        {
            var generated = await Shell.RunAsync("promtool", ["check", "rules", file]);
            generated.ExitCode.ShouldBe(0, generated.StdOut + generated.StdErr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ToolFact("promtool", "prometheus")]
    public async Task Every_rule_passes_its_promtool_unit_tests()
    {
        var result = await Shell.RunAsync("promtool", ["test", "rules", AlertRules.TestFile], TimeSpan.FromMinutes(2));

        result.ExitCode.ShouldBe(0, result.StdOut + result.StdErr);
        result.StdOut.ShouldContain("SUCCESS");
    }

    [Fact]
    public void Every_alert_has_a_unit_test_where_it_fires_and_one_where_it_does_not()
    {
        var checks = YamlJson.ParseFile(AlertRules.TestFile).Single()["tests"]!.AsArray()
            .SelectMany(t => t!["alert_rule_test"]?.AsArray() ?? [])
            .Select(c => (Alert: c!["alertname"]!.GetValue<string>(), Fires: (c["exp_alerts"] as JsonArray)?.Count > 0))
            .ToList();

        var missing = AlertRules.Alerts()
            .SelectMany(a => new[] { (a.Alert, Fires: true), (a.Alert, Fires: false) })
            .Where(want => !checks.Contains(want))
            .Select(want => $"{want.Alert}: no case where it {(want.Fires ? "fires" : "stays silent")}")
            .ToList();

        missing.ShouldBeEmpty(string.Join("\n", missing));
        checks.Select(c => c.Alert).Distinct().Except(AlertRules.Alerts().Select(a => a.Alert))
            .ShouldBeEmpty("unit tests name an alert the rule file does not have");
    }

    [ToolFact("bash", "bash")]
    public async Task The_PrometheusRule_is_what_generate_sh_makes_of_the_rule_file()
    {
        var fresh = Path.Combine(Path.GetTempPath(), $"retina-prometheusrule-{Guid.NewGuid():N}.yaml");
        try
        {
            var result = await Shell.RunAsync("bash", [AlertRules.Generator, fresh]);
            result.ExitCode.ShouldBe(0, result.StdErr);

            (await File.ReadAllTextAsync(AlertRules.PrometheusRule)).ShouldBe(await File.ReadAllTextAsync(fresh),
                "kustomize/components/alert-rules/prometheusrule.yaml is stale: run kustomize/components/alert-rules/generate.sh");
        }
        finally
        {
            File.Delete(fresh);
        }
    }

    [ToolFact("kubectl", "kubectl")]
    public async Task The_component_renders_one_PrometheusRule_holding_exactly_the_rule_files_groups()
    {
        var result = await Shell.RunAsync("kubectl", ["kustomize", AlertRules.Component]);
        result.ExitCode.ShouldBe(0, result.StdErr);

        var rule = YamlJson.ParseAll(result.StdOut).ShouldHaveSingleItem();
        rule["kind"]!.GetValue<string>().ShouldBe("PrometheusRule");
        rule["metadata"]!["namespace"]!.GetValue<string>().ShouldBe("retina-system");
        JsonNode.DeepEquals(rule["spec"]!["groups"], AlertRules.Groups()).ShouldBeTrue();
    }
}
