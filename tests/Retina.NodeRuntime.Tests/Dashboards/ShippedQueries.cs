using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Retina.Kube.Store;
using Retina.Testing.Repo;

namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>Every query in kustomize/components/grafana-dashboards/dashboards/*.json and in the alert rule file.</summary>
public static partial class ShippedQueries
{
    public static string DashboardDirectory { get; } = RepoPaths.Combine("kustomize", "components", "grafana-dashboards", "dashboards");

    public static string RuleFile { get; } = RepoPaths.Combine("kustomize", "components", "alert-rules", "rules", "retina.rules.yaml");

    public static IReadOnlyList<ShippedQuery> Dashboards()
    {
        var queries = new List<ShippedQuery>();
        foreach (var file in Directory.GetFiles(DashboardDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var panel in dashboard["panels"]!.AsArray())
            {
                foreach (var target in panel!["targets"]?.AsArray() ?? [])
                {
                    var expr = target!["expr"]!.GetValue<string>();
                    queries.Add(new ShippedQuery($"{name} / {panel["title"]} (#{panel["id"]})", expr, PromQlNames.Of(expr)));
                }
            }

            foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
            {
                if (variable!["definition"]?.GetValue<string>() is { } definition && LabelValues().Match(definition) is { Success: true } m)
                {
                    queries.Add(new ShippedQuery($"{name} / variable ${variable["name"]}", m.Groups["metric"].Value,
                        new HashSet<string>(StringComparer.Ordinal) { m.Groups["metric"].Value }));
                }
            }
        }

        return queries;
    }

    public static IReadOnlyList<ShippedQuery> AlertRules() =>
    [
        .. YamlJson.ParseFile(RuleFile).Single()["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray())
            .Select(r => (Name: r!["alert"]?.GetValue<string>() ?? r["record"]!.GetValue<string>(), Expr: r["expr"]!.GetValue<string>()))
            .Select(r => new ShippedQuery($"alert {r.Name}", r.Expr, PromQlNames.Of(r.Expr))),
    ];

    [GeneratedRegex(@"^label_values\(\s*(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*\w+\s*\)$")]
    private static partial Regex LabelValues();
}
