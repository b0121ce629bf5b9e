using System.Text.Json.Nodes;
using Retina.Kube.Store;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.Observability;

/// <summary>Where the alert rules live: the plain rule file (the one source), its promtool tests and the generated PrometheusRule.</summary>
public static class AlertRules
{
    public static string Component { get; } = RepoPaths.Combine("kustomize", "components", "alert-rules");

    public static string RuleFile { get; } = Path.Combine(Component, "rules", "retina.rules.yaml");

    public static string TestFile { get; } = Path.Combine(Component, "tests", "retina.test.yaml");

    public static string PrometheusRule { get; } = Path.Combine(Component, "prometheusrule.yaml");

    public static string Generator { get; } = Path.Combine(Component, "generate.sh");

    public static JsonArray Groups() => (JsonArray)YamlJson.ParseFile(RuleFile).Single()["groups"]!;

    /// <summary>Every alerting rule of the rule file: its name and expression.</summary>
    public static IReadOnlyList<(string Alert, string Expr)> Alerts() =>
    [
        .. Groups().SelectMany(g => g!["rules"]!.AsArray())
            .Where(r => r!["alert"] is not null)
            .Select(r => (r!["alert"]!.GetValue<string>(), r["expr"]!.GetValue<string>())),
    ];
}
