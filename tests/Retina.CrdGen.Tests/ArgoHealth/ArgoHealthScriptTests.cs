using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api;
using Retina.Api.Common;
using Retina.Kube.Store;
using Retina.CrdGen.Tests.Yaml;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.ArgoHealth;

/// <summary>Runs every Argo CD health script of kustomize/components/argocd-health in lua5.1 on objects in each phase.</summary>
public sealed class ArgoHealthScriptTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private static readonly string[] ArgoStatuses = ["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"];

    /// <summary>The component's folder, relative to the repository root.</summary>
    public static readonly string ComponentDir = Path.Combine("kustomize", "components", "argocd-health");

    private static string Component(params string[] parts) => RepoPaths.Combine([ComponentDir, .. parts]);

    private static string ScriptOf(string kind) => Component(kind.ToLowerInvariant() + ".lua");

    /// <summary>An object as our controllers write it: conditions from the real helpers, status.observedGeneration set.</summary>
    private static JsonObject Sample(string kind, Action<List<Condition>>? conditions = null, string? phase = null, long generation = 2, long? observed = 2,
        string? state = null, JsonObject? spec = null, bool withStatus = true)
    {
        var obj = new JsonObject
        {
            ["apiVersion"] = RetinaGroup.ApiVersion,
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = "x", ["generation"] = generation },
            ["spec"] = spec ?? new JsonObject(),
        };
        if (withStatus)
        {
            var list = new List<Condition>();
            conditions?.Invoke(list);
            obj["status"] = new JsonObject
            {
                ["observedGeneration"] = observed,
                ["phase"] = phase,
                ["state"] = state,
                ["conditions"] = JsonSerializer.SerializeToNode(list),
            };
        }

        return obj;
    }

    private static Action<List<Condition>> InProgress(string reason) => c => HealthConditions.InProgress(c, reason, $"{reason} message", 2, Now);

    private static Action<List<Condition>> Current(string reason) => c => HealthConditions.Current(c, reason, $"{reason} message", 2, Now);

    private static Action<List<Condition>> Failed(string reason) => c => HealthConditions.Failed(c, reason, $"spec.x: {reason} message", 2, Now);

    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        void Add(string name, JsonObject obj, string expected, string messagePart = "") =>
            data.Add(name, obj.ToJsonString(), expected, messagePart);

        // RetinaEndpoint has no status to wait for: the controllers' mirror of a pod is healthy as written.
        Add("RetinaEndpoint as the controllers write it", Sample("RetinaEndpoint", withStatus: false), "Healthy", "mirrors its pod");
        foreach (var kind in ResourceKinds.All.Select(k => k.Kind).Where(k => k != "RetinaEndpoint"))
        {
            Add($"{kind} without status yet", Sample(kind, withStatus: false), "Progressing", "waiting");
            Add($"{kind} with a generation not yet observed", Sample(kind, Current("Accepted"), observed: 1), "Progressing", "generation 2");
        }

        Add("Capture pending", Sample("Capture", InProgress("Pending"), "Pending"), "Progressing", "Pending");
        Add("Capture waiting for its Secret", Sample("Capture", InProgress("SecretNotFound"), "Pending"), "Progressing", "SecretNotFound");
        Add("Capture running", Sample("Capture", InProgress("Running"), "Running"), "Progressing", "Running");
        Add("Capture completed", Sample("Capture", c =>
        {
            Conditions.Set(c, "complete", ConditionStatus.True, "AllNodesCompleted", "2 node(s) captured and delivered", 2, Now);
            HealthConditions.Current(c, "AllNodesCompleted", "2 node(s) captured and delivered", 2, Now);
        }, "Completed"), "Healthy", "AllNodesCompleted");
        Add("Capture failed", Sample("Capture", c =>
        {
            Conditions.Set(c, "error", ConditionStatus.True, "NodesFailed", "n1: tcpdump exited 1", 2, Now);
            HealthConditions.Failed(c, "NodesFailed", "n1: tcpdump exited 1", 2, Now);
        }, "Failed"), "Degraded", "n1: tcpdump exited 1");
        Add("Capture invalid", Sample("Capture", Failed("InvalidSpec"), "Failed"), "Degraded", "spec.x");

        Add("MetricsConfiguration waiting for nodes", Sample("MetricsConfiguration", InProgress("NodesPending"), state: "Accepted"), "Progressing", "NodesPending");
        Add("MetricsConfiguration applied on every node", Sample("MetricsConfiguration", Current("AllNodesApplied"), state: "Accepted"), "Healthy");
        Add("MetricsConfiguration with ignored labels (Warning) is still healthy", Sample("MetricsConfiguration", Current("AllNodesApplied"), state: "Warning"), "Healthy");
        Add("MetricsConfiguration invalid", Sample("MetricsConfiguration", Failed("InvalidSpec"), state: "Errored"), "Degraded", "spec.x");

        Add("NodeRuntime converged", Sample("NodeRuntime", c =>
        {
            HealthConditions.Current(c, "Converged", "running spec generation 2", 2, Now);
            Conditions.Set(c, "Degraded", ConditionStatus.False, "AllPluginsRunning", "every requested plugin runs", 2, Now);
        }), "Healthy");
        Add("NodeRuntime with a plugin down", Sample("NodeRuntime", c =>
        {
            HealthConditions.Current(c, "Converged", "running spec generation 2", 2, Now);
            Conditions.Set(c, "Degraded", ConditionStatus.True, "PluginsDegraded", "dropreason: Failed (no BTF)", 2, Now);
        }), "Degraded", "dropreason");

        foreach (var kind in new[] { "TraceSession", "ShellSession", "CapturePolicy" })
        {
            Add($"{kind} accepted", Sample(kind, Current("Accepted"), kind == "CapturePolicy" ? null : "Pending"), "Healthy");
            Add($"{kind} invalid", Sample(kind, Failed("InvalidSpec"), kind == "CapturePolicy" ? null : "Failed"), "Degraded", "spec.x");
        }

        Add("CapturePolicy suspended", Sample("CapturePolicy", Current("Accepted"), spec: new JsonObject { ["suspend"] = true }), "Suspended", "spec.suspend");
        Add("CapturePolicy suspended but invalid", Sample("CapturePolicy", Failed("InvalidSpec"), spec: new JsonObject { ["suspend"] = true }), "Degraded");
        return data;
    }

    [LuaTheory]
    [MemberData(nameof(Cases))]
    public async Task Each_script_gives_argo_cd_the_right_health(string name, string json, string expected, string messagePart)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        var script = ScriptOf(obj["kind"]!.GetValue<string>());
        File.Exists(script).ShouldBeTrue($"{name}: no health script {script}");
        var output = await Lua.RunAsync(
            $"obj = {LuaTable.From(obj)}\n" +
            $"local check = assert(loadfile({LuaTable.From(JsonValue.Create(script))}))\n" +
            "local hs = check()\n" +
            "io.write(tostring(hs.status), \"\\n\", tostring(hs.message))\n");
        var lines = output.Split('\n', 2);
        ArgoStatuses.ShouldContain(lines[0], $"{name}: not an Argo CD health status");
        lines[0].ShouldBe(expected, $"{name}: {output}");
        lines[1].ShouldContain(messagePart, Case.Sensitive, name);
    }

    [Fact]
    public async Task The_component_merges_one_script_per_kind_into_argocd_cm_keeping_its_other_keys()
    {
        var dir = Directory.CreateTempSubdirectory("retina-argocd-health-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "argocd-cm.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  url: https://argocd.example\n");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [argocd-cm.yaml]\n" +
                $"components: [{Path.GetRelativePath(dir.FullName, Component())}]\n");
            var result = await Shell.RunAsync("kubectl", ["kustomize", dir.FullName]);
            result.ExitCode.ShouldBe(0, result.StdErr);
            var cm = YamlJson.ParseAll(result.StdOut).Single();
            var rendered = Path.Combine(dir.FullName, "rendered.yaml");
            await File.WriteAllTextAsync(rendered, result.StdOut);
            var python = (await PyYaml.LoadAllAsync([rendered]))[rendered];
            python["error"].ShouldBeNull("PyYAML refuses the rendered argocd-cm");
            JsonNode.DeepEquals(JsonNode.Parse(python["docs"]![0]!.ToJsonString()), cm).ShouldBeTrue("PyYAML reads the rendered argocd-cm as we do");
            cm["metadata"]!["name"]!.GetValue<string>().ShouldBe("argocd-cm");
            var data = cm["data"]!.AsObject();
            data["url"]!.GetValue<string>().ShouldBe("https://argocd.example");
            var keys = ResourceKinds.All.Select(k => $"resource.customizations.health.{RetinaGroup.Group}_{k.Kind}").ToList();
            data.Select(p => p.Key).Where(k => k != "url").Order(StringComparer.Ordinal).ShouldBe(keys.Order(StringComparer.Ordinal));
            foreach (var kind in ResourceKinds.All.Select(k => k.Kind))
            {
                data[$"resource.customizations.health.{RetinaGroup.Group}_{kind}"]!.GetValue<string>().ShouldBe(await File.ReadAllTextAsync(ScriptOf(kind)));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
