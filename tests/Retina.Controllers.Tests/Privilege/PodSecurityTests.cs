using System.Text.Json.Nodes;
using Retina.Testing.Repo;
using static Retina.Controllers.Tests.Privilege.RenderedManifests;

namespace Retina.Controllers.Tests.Privilege;

/// <summary>What the pods run with, as the overlays render them (issue 10: RuntimeDefault unless a measured need says otherwise).</summary>
public sealed class PodSecurityTests
{
    [Theory]
    [MemberData(nameof(Overlays), MemberType = typeof(RenderedManifests))]
    public async Task The_node_runtime_runs_under_the_runtime_default_profiles_without_SYS_ADMIN(string overlay)
    {
        var container = Container(Single(await OverlayAsync(overlay), "DaemonSet", "retina-node-runtime"));
        var security = container["securityContext"]!;
        security["privileged"]!.GetValue<bool>().ShouldBeFalse();
        security["allowPrivilegeEscalation"]!.GetValue<bool>().ShouldBeFalse();
        security["seccompProfile"]!["type"]!.GetValue<string>().ShouldBe("RuntimeDefault");
        security["appArmorProfile"]!["type"]!.GetValue<string>().ShouldBe("RuntimeDefault");
        Strings(security["capabilities"]!["drop"]).ShouldBe(["ALL"]);
        Strings(security["capabilities"]!["add"]).ShouldBe(["BPF", "PERFMON", "NET_ADMIN", "NET_RAW", "SYS_RESOURCE"], ignoreOrder: true,
            customMessage: "kernels >= 5.8: CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN replace SYS_ADMIN (daemonset.yaml says why)");
    }

    [Fact]
    public async Task The_legacy_kernel_component_adds_SYS_ADMIN_and_unconfined_profiles_and_nothing_else()
    {
        var overlay = Directory.CreateTempSubdirectory("retina-legacy-");
        try
        {
            string Relative(params string[] parts) => Path.GetRelativePath(overlay.FullName, RepoPaths.Combine(parts));
            await File.WriteAllTextAsync(Path.Combine(overlay.FullName, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - {Relative("kustomize", "base")}
                components:
                  - {Relative("kustomize", "components", "node-runtime-legacy-kernel")}
                """);
            var security = Container(Single(await RenderAsync(overlay.FullName), "DaemonSet", "retina-node-runtime"))["securityContext"]!;
            Strings(security["capabilities"]!["add"]).ShouldBe(["BPF", "PERFMON", "NET_ADMIN", "NET_RAW", "SYS_RESOURCE", "SYS_ADMIN"], ignoreOrder: true);
            security["seccompProfile"]!["type"]!.GetValue<string>().ShouldBe("Unconfined");
            security["appArmorProfile"]!["type"]!.GetValue<string>().ShouldBe("Unconfined");
            security["allowPrivilegeEscalation"]!.GetValue<bool>().ShouldBeTrue("the API server refuses CAP_SYS_ADMIN with allowPrivilegeEscalation: false");
            security["privileged"]!.GetValue<bool>().ShouldBeFalse();
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays), MemberType = typeof(RenderedManifests))]
    public async Task The_controllers_run_non_root_under_RuntimeDefault_without_privilege_escalation(string overlay)
    {
        var deployment = Single(await OverlayAsync(overlay), "Deployment", "retina-controllers");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        pod["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>().ShouldBe("RuntimeDefault");
        pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>().ShouldBeTrue();
        var security = Container(deployment)["securityContext"]!;
        security["allowPrivilegeEscalation"]!.GetValue<bool>().ShouldBeFalse();
        Strings(security["capabilities"]!["drop"]).ShouldBe(["ALL"]);
        (security["capabilities"]!["add"] is null).ShouldBeTrue();
    }

    private static JsonNode Container(JsonObject workload) => workload["spec"]!["template"]!["spec"]!["containers"]![0]!;
}
