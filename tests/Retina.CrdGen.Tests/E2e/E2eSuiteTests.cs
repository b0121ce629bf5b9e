using Retina.CrdGen.Tests.Crds;
using Retina.CrdGen.Tests.Observability;
using Retina.CrdGen.Tests.Samples;
using Retina.CrdGen.Tests.Tooling;
using Retina.Kube.Store;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.E2e;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class E2eSuiteTests : IDisposable
{
    private static readonly string Suite = RepoPaths.Combine("tests", "e2e");

    // stand-ins for docker, k3d and kubectl that log every call and fail: a dry run must call none of them
    private readonly DirectoryInfo stubs = Directory.CreateTempSubdirectory("retina-e2e-stubs-");

    public E2eSuiteTests()
    {
        foreach (var tool in new[] { "docker", "k3d", "kubectl" })
        {
            var path = Path.Combine(stubs.FullName, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{tool} $*\" >> \"{CallLog}\"\nexit 1\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string CallLog => Path.Combine(stubs.FullName, "calls.log");

    private string[] Calls => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];

    public void Dispose() => stubs.Delete(recursive: true);

    [ToolFact("shellcheck", "shellcheck")]
    public async Task Every_e2e_script_passes_shellcheck()
    {
        var scripts = Directory.GetFiles(Suite, "*.sh", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        scripts.Count.ShouldBeGreaterThanOrEqualTo(9);

        var result = await Shell.RunAsync("shellcheck", ["--external-sources", "--severity=style", .. scripts]);

        result.ExitCode.ShouldBe(0, result.StdOut + result.StdErr);
    }

    [Fact]
    public async Task The_dry_run_prints_every_command_of_every_journey_in_order_and_executes_none()
    {
        var result = await RunSuiteAsync("--dry-run", "--with-pending");

        result.ExitCode.ShouldBe(0, result.StdErr);
        Calls.Where(c => c != "docker info").ShouldBeEmpty("a dry run executed something");
        var lines = result.StdOut.Split('\n');
        string[] expected =
        [
            $"+ make -C {RepoPaths.Root} images VERSION=0.0.0-e2e IMAGE_TAG=dev",
            "+ k3d cluster create retina-e2e-test --agents 2 --wait",
            "+ k3d image import --cluster retina-e2e-test retina-controllers:dev retina-node-runtime:dev",
            $"+ kubectl apply --server-side -k {Path.Combine(Suite, "overlay")}",
            "+ kubectl -n retina-system rollout status deployment/retina-controllers",
            "==> journey workload",
            "+ kubectl -n e2e wait pod/e2e-client --for=condition=Ready",
            "==> journey capture-other-node",
            "+ kubectl -n e2e wait capture/e2e-capture --for=condition=Ready",
            "+ docker cp '<ARTIFACT_NODE>:<ARTIFACT>'",
            "+ PCAP=$(find '<work>/capture' -name '*.pcap*'",
            "+ PACKETS=$(tshark -r '<PCAP>' -Y dns",
            "==> journey metrics-configuration",
            "+ kubectl wait metricsconfiguration/e2e-pod-traffic --for=condition=Ready",
            "+ until has_series '<TARGET_NODE>' '^networkobservability_adv_forward_count",
            "==> journey capture-policy",
            "+ kubectl -n retina-system create secret generic retina-alert-webhook '--from-file=token=",
            "+ kubectl -n e2e run e2e-alert --image=curlimages/curl:8.10.1",
            "==> journey trace-session",
            "+ until sh -c 'kubectl -n e2e get tracesession/e2e-trace",
            "+ kubectl -n e2e exec e2e-client -- sh -c 'for i in 1 2 3 4 5; do nslookup nope-e2e.invalid",
            "+ kubectl -n e2e wait tracesession/e2e-trace --for=condition=Ready",
            "+ DNS_FAILURES=$(kubectl -n e2e get tracesession/e2e-trace -o 'jsonpath={.status.topDnsFailures}')",
            "+ docker cp '<FLOWS_NODE>:<FLOWS>'",
            "==> journey shell-session (pending: ",
            "==> journey teardown",
            $"+ kubectl delete -k {Path.Combine(Suite, "overlay")} --wait",
            "+ sh -c 'kubectl get crd -o name | grep \"retina\\.sh\" || true'  # must print nothing",
            "+ k3d cluster delete retina-e2e-test",
        ];
        var at = 0;
        foreach (var want in expected)
        {
            var found = Array.FindIndex(lines, at, l => l.StartsWith(want, StringComparison.Ordinal));
            found.ShouldBeGreaterThanOrEqualTo(0, $"not found after line {at}: {want}\n{result.StdOut}");
            at = found + 1;
        }
    }

    [Fact]
    public async Task Without_with_pending_the_pending_journeys_are_named_and_skipped()
    {
        var result = await RunSuiteAsync("--dry-run");

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain("==> journey shell-session: skipped (pending: ShellSession reconciler");
        result.StdOut.ShouldNotContain("shellsession.yaml");
        result.StdOut.ShouldContain("tracesession.yaml", customMessage: "trace-session is no longer pending");
        result.StdOut.ShouldContain("e2e-alert", customMessage: "capture-policy is no longer pending");
        result.StdOut.ShouldContain("==> journey teardown");
    }

    [Fact]
    public async Task Without_a_docker_daemon_a_run_and_make_e2e_stop_at_once_and_say_why()
    {
        var direct = await RunSuiteAsync();
        direct.ExitCode.ShouldBe(2);
        direct.StdErr.ShouldContain("e2e: cannot run: missing: ");
        direct.StdErr.ShouldContain("a reachable Docker daemon (docker info failed)");

        var make = await Shell.RunAsync("env", [$"PATH={stubs.FullName}:{Environment.GetEnvironmentVariable("PATH")}", "make", "-C", RepoPaths.Root, "--no-print-directory", "e2e"]);
        make.ExitCode.ShouldNotBe(0);
        make.StdErr.ShouldContain("a reachable Docker daemon");
        Calls.ShouldAllBe(c => c == "docker info", "nothing but the daemon probe may run before the check");
    }

    [Fact]
    public void Every_object_the_journeys_apply_validates_against_its_crd_and_validator()
    {
        var manifests = Directory.GetFiles(Path.Combine(Suite, "manifests"), "*.yaml");
        var resources = manifests.SelectMany(f => YamlJson.ParseAll(File.ReadAllText(f).Replace("@NODE@", "k3d-retina-e2e-agent-0", StringComparison.Ordinal))
                .Select(d => (File: Path.GetFileName(f), Doc: d)))
            .Where(r => (string?)r.Doc["apiVersion"] == "retina.sh/v1alpha1").ToList();

        resources.Select(r => Kustomized.Kind(r.Doc)).Distinct().Order().ShouldBe(["Capture", "CapturePolicy", "MetricsConfiguration", "ShellSession", "TraceSession"]);
        foreach (var (file, doc) in resources)
        {
            var sample = new Sample($"tests/e2e/manifests/{file}", doc, null);
            CrdSchemas.Validate(doc).ShouldBeEmpty($"{sample}: schema errors");
            sample.Kind.Validate(sample.Typed()).Errors.ShouldBeEmpty($"{sample}: validator errors");
        }
    }

    [ToolFact("kubectl", "kubectl")]
    public async Task The_e2e_overlay_is_the_k3d_overlay_with_packetparser_added_and_nothing_else()
    {
        var k3d = await Kustomized.RenderAsync(RepoPaths.Combine("kustomize", "overlays", "k3d"));
        var e2e = await Kustomized.RenderAsync(Path.Combine(Suite, "overlay"));

        static string Config(IEnumerable<System.Text.Json.Nodes.JsonObject> docs) =>
            (string)docs.Single(d => Kustomized.Kind(d) == "ConfigMap" && Kustomized.Name(d).StartsWith("retina-controller-config", StringComparison.Ordinal))["data"]!["config.json"]!;

        var plugins = System.Text.Json.Nodes.JsonNode.Parse(Config(e2e))!["Retina"]!["Controller"]!["Plugins"]!.AsArray().Select(p => (string)p!).ToList();
        var k3dPlugins = System.Text.Json.Nodes.JsonNode.Parse(Config(k3d))!["Retina"]!["Controller"]!["Plugins"]!.AsArray().Select(p => (string)p!).ToList();
        plugins.ShouldBe([.. k3dPlugins, "packetparser"]);

        // apart from that ConfigMap (and its hash-suffixed name where referenced), the same objects
        static IEnumerable<string> Rest(IEnumerable<System.Text.Json.Nodes.JsonObject> docs) => docs
            .Where(d => !(Kustomized.Kind(d) is "ConfigMap" or "Deployment"))
            .Select(d => d.ToJsonString()).Order(StringComparer.Ordinal);
        Rest(e2e).ShouldBe(Rest(k3d));
    }

    private Task<Shell.Result> RunSuiteAsync(params string[] args) =>
        Shell.RunAsync("env",
        [
            $"PATH={stubs.FullName}:{Environment.GetEnvironmentVariable("PATH")}", "E2E_CLUSTER=retina-e2e-test",
            "bash", Path.Combine(Suite, "run.sh"), .. args,
        ]);
}
