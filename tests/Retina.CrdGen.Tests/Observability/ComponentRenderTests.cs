using Retina.CrdGen.Tests.Tooling;

namespace Retina.CrdGen.Tests.Observability;

public sealed class ComponentRenderTests
{
    /// <summary>argocd-health merges into Argo CD's own argocd-cm and renders only beside it (ArgoHealth tests do that).</summary>
    private static readonly HashSet<string> NotOnTheBase = new(StringComparer.Ordinal) { "argocd-health" };

    public static TheoryData<string> Components()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Kustomized.Components).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (!NotOnTheBase.Contains(dir!))
            {
                data.Add(dir!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Components))]
    public async Task Each_component_renders_on_the_base_and_adds_or_changes_something(string component)
    {
        var plain = await Kustomized.BaseWithAsync();
        var with = await Kustomized.BaseWithAsync(component);

        with.Select(d => d.ToJsonString()).Order(StringComparer.Ordinal)
            .SequenceEqual(plain.Select(d => d.ToJsonString()).Order(StringComparer.Ordinal)).ShouldBeFalse($"{component} changes nothing");
    }

    [ToolFact("kubectl", "kubectl")]
    public async Task The_observability_components_render_together_without_clashing()
    {
        var docs = await Kustomized.BaseWithAsync("servicemonitor", "alert-rules", "grafana-dashboards", "prometheus-config", "azure-monitor");

        docs.Count(d => Kustomized.Kind(d) == "ServiceMonitor").ShouldBe(2);
        docs.Count(d => Kustomized.Kind(d) == "PrometheusRule").ShouldBe(1);
        Kustomized.Single(docs, "ConfigMap", "ama-metrics-prometheus-config-node")["metadata"]!["namespace"]!.GetValue<string>().ShouldBe("kube-system");
    }
}
