using System.Text.Json.Nodes;
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
        var security = Container(Single(await BaseWithComponentsAsync("node-runtime-legacy-kernel"), "DaemonSet", "retina-node-runtime"))["securityContext"]!;
        Strings(security["capabilities"]!["add"]).ShouldBe(["BPF", "PERFMON", "NET_ADMIN", "NET_RAW", "SYS_RESOURCE", "SYS_ADMIN"], ignoreOrder: true);
        security["seccompProfile"]!["type"]!.GetValue<string>().ShouldBe("Unconfined");
        security["appArmorProfile"]!["type"]!.GetValue<string>().ShouldBe("Unconfined");
        security["allowPrivilegeEscalation"]!.GetValue<bool>().ShouldBeTrue("the API server refuses CAP_SYS_ADMIN with allowPrivilegeEscalation: false");
        security["privileged"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task The_metrics_auth_component_turns_on_TokenReview_over_https_with_the_certificate_mounted()
    {
        var daemonSet = Single(await BaseWithComponentsAsync("node-runtime-metrics-auth"), "DaemonSet", "retina-node-runtime");
        var container = Container(daemonSet);
        var env = (container["env"] as JsonArray)!.ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]?.GetValue<string>());
        env["RETINA_Retina__NodeRuntime__MetricsAuthentication"].ShouldBe("TokenReview");
        env["RETINA_Retina__NodeRuntime__MetricsTlsCertFile"].ShouldBe("/etc/retina/metrics-tls/tls.crt");
        (container["volumeMounts"] as JsonArray)!.ShouldContain(m => m!["mountPath"]!.GetValue<string>() == "/etc/retina/metrics-tls");
        daemonSet["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Select(v => v!["secret"]?["secretName"]?.GetValue<string>())
            .ShouldContain("retina-node-runtime-metrics-tls");
        container["readinessProbe"]!["httpGet"]!["scheme"]!.GetValue<string>().ShouldBe("HTTPS");
        container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>().ShouldBe("/readyz", "the probe carries no token: it must not need one");
        container["livenessProbe"]!["httpGet"]!["scheme"]!.GetValue<string>().ShouldBe("HTTPS");
        container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>().ShouldBe("/healthz");
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
