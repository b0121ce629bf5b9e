using System.Text.Json.Nodes;
using Retina.CrdGen.Tests.Tooling;

namespace Retina.CrdGen.Tests.Observability;

public sealed class DashboardComponentTests
{
    private static readonly string Dashboards = Path.Combine(Kustomized.Components, "grafana-dashboards", "dashboards");

    [ToolFact("kubectl", "kubectl")]
    public async Task Every_dashboard_file_ships_in_its_own_ConfigMap_that_the_grafana_sidecar_picks_up()
    {
        var maps = (await Kustomized.RenderAsync(Path.Combine(Kustomized.Components, "grafana-dashboards"))).Where(d => Kustomized.Kind(d) == "ConfigMap").ToList();
        var files = Directory.GetFiles(Dashboards, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        maps.SelectMany(m => m["data"]!.AsObject().Select(p => p.Key)).Order(StringComparer.Ordinal).ShouldBe(files!);
        foreach (var map in maps)
        {
            map["metadata"]!["labels"]!["grafana_dashboard"]!.GetValue<string>().ShouldBe("1");
            map["metadata"]!["namespace"]!.GetValue<string>().ShouldBe("retina-system");
            map["data"]!.AsObject().Count.ShouldBe(1, Kustomized.Name(map));
            // client-side apply stores the object in an annotation limited to 256 KiB
            map.ToJsonString().Length.ShouldBeLessThan(200_000, Kustomized.Name(map));
        }
    }

    [Fact]
    public void Every_dashboard_has_a_unique_uid_unique_panel_ids_and_the_datasource_variable_on_every_panel()
    {
        var uids = new List<string>();
        foreach (var file in Directory.GetFiles(Dashboards, "*.json"))
        {
            var d = JsonNode.Parse(File.ReadAllText(file))!;
            var name = Path.GetFileName(file);
            uids.Add(d["uid"]!.GetValue<string>());
            d["title"]!.GetValue<string>().ShouldStartWith("Retina.NET / ", customMessage: name);
            var panels = d["panels"]!.AsArray();
            panels.ShouldNotBeEmpty(name);
            panels.Select(p => p!["id"]!.GetValue<int>()).ShouldBeUnique(name);
            panels.ShouldAllBe(p => p!["datasource"]!["uid"]!.GetValue<string>() == "${datasource}", name);
            panels.ShouldAllBe(p => p!["targets"]!.AsArray().Count > 0, name);
            d["templating"]!["list"]!.AsArray().ShouldContain(v => v!["type"]!.GetValue<string>() == "datasource", name);
        }

        uids.ShouldBeUnique();
        uids.Count.ShouldBeGreaterThanOrEqualTo(7);
    }
}
