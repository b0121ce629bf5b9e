using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Retina.Api;
using Retina.Controllers.Admission;
using Retina.Controllers.Tls;
using Retina.Kube.Store;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.Controllers.Tests.Admission;

/// <summary>The rendered manifests and the code agree: names, paths, ports, kinds, and the cert-manager wiring.</summary>
public sealed class WebhookManifestTests
{
    [Fact]
    public async Task The_base_webhooks_call_our_paths_through_the_Service_for_the_five_kinds_and_fail_closed()
    {
        var docs = await RenderAsync("kustomize/base");

        var validating = Single(docs, "ValidatingWebhookConfiguration", WebhookNames.ValidatingConfiguration);
        var mutating = Single(docs, "MutatingWebhookConfiguration", WebhookNames.MutatingConfiguration);
        var plurals = RequestedBy.Kinds.Select(k => ResourceKinds.ByKind(k)!.Plural).Order().ToList();
        foreach (var (config, name, path) in new[] { (validating, WebhookNames.ValidatingWebhook, WebhookNames.ValidatePath), (mutating, WebhookNames.MutatingWebhook, WebhookNames.MutatePath) })
        {
            var webhook = Assert.Single(config["webhooks"]!.AsArray())!;
            Assert.Equal(name, (string?)webhook["name"]);
            var service = webhook["clientConfig"]!["service"]!;
            Assert.Equal((WebhookBed.Namespace, WebhookNames.Service, 443L, path), ((string?)service["namespace"], (string?)service["name"], (long)service["port"]!, (string?)service["path"]));
            Assert.Equal("Fail", (string?)webhook["failurePolicy"]);
            Assert.Equal("None", (string?)webhook["sideEffects"]);
            Assert.Equal(["v1"], webhook["admissionReviewVersions"]!.AsArray().Select(v => (string?)v));
            var rule = Assert.Single(webhook["rules"]!.AsArray())!;
            Assert.Equal(["CREATE", "UPDATE"], rule["operations"]!.AsArray().Select(v => (string?)v));
            Assert.Equal(plurals, rule["resources"]!.AsArray().Select(v => (string?)v).Order());
        }

        var svc = Single(docs, "Service", WebhookNames.Service);
        var port = Assert.Single(svc["spec"]!["ports"]!.AsArray())!;
        Assert.Equal((443L, "webhook"), ((long)port["port"]!, (string?)port["targetPort"]));
        var deployment = Single(docs, "Deployment", "retina-controllers");
        var containerPort = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]!.AsArray().Single(p => (string?)p!["name"] == "webhook")!;
        var controllerConfig = JsonNode.Parse((string)Single(docs, "ConfigMap", null, "retina-controller-config")["data"]!["config.json"]!)!;
        Assert.EndsWith(":" + (long)containerPort["containerPort"]!, (string?)controllerConfig["Retina"]!["Controller"]!["WebhookAddress"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cert_manager_component_names_the_Service_injects_the_CA_and_switches_the_controllers_to_files()
    {
        var docs = await RenderWithComponentAsync("kustomize/components/cert-manager");

        var certificate = Single(docs, "Certificate", "retina-controllers-webhook");
        Assert.Equal(WebhookCertificateBundle.DnsNames(WebhookNames.Service, WebhookBed.Namespace), certificate["spec"]!["dnsNames"]!.AsArray().Select(v => (string?)v));
        var inject = $"{WebhookBed.Namespace}/{certificate["metadata"]!["name"]}";
        Assert.Equal(inject, (string?)Single(docs, "ValidatingWebhookConfiguration", WebhookNames.ValidatingConfiguration)["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);
        Assert.Equal(inject, (string?)Single(docs, "MutatingWebhookConfiguration", WebhookNames.MutatingConfiguration)["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);

        var pod = Single(docs, "Deployment", "retina-controllers")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var volume = pod["volumes"]!.AsArray().Single(v => (string?)v!["secret"]?["secretName"] == (string?)certificate["spec"]!["secretName"])!;
        var mount = container["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == (string?)volume["name"])!;
        var env = container["env"]!.AsArray().ToDictionary(e => ((string)e!["name"]!).Replace("__", ":", StringComparison.Ordinal), e => (string?)e!["value"]);
        var options = WebhookTlsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(env).Build());
        Assert.Equal(WebhookTlsOptions.Files, options.Mode);
        Assert.Equal(options.CertificateDirectory, (string?)mount["mountPath"]);
        Assert.Empty(options.Validate());
    }

    private static JsonObject Single(List<JsonObject> docs, string kind, string? name, string? namePrefix = null) =>
        Assert.Single(docs, d => (string?)d["kind"] == kind
            && (name is null || (string?)d["metadata"]?["name"] == name)
            && (namePrefix is null || ((string?)d["metadata"]?["name"])?.StartsWith(namePrefix, StringComparison.Ordinal) == true));

    private static async Task<List<JsonObject>> RenderAsync(string dir)
    {
        var result = await Shell.RunAsync("kubectl", ["kustomize", RepoPaths.Combine(dir)]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return YamlJson.ParseAll(result.StdOut);
    }

    /// <summary>The base with one component, as an overlay would add it.</summary>
    private static async Task<List<JsonObject>> RenderWithComponentAsync(string component)
    {
        var dir = Directory.CreateTempSubdirectory("retina-kustomize-");
        try
        {
            string Relative(string p) => Path.GetRelativePath(dir.FullName, RepoPaths.Combine(p));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - {Relative("kustomize/base")}
                components:
                  - {Relative(component)}
                """);
            var result = await Shell.RunAsync("kubectl", ["kustomize", "--load-restrictor=LoadRestrictionsNone", dir.FullName]);
            Assert.True(result.ExitCode == 0, result.StdErr);
            return YamlJson.ParseAll(result.StdOut);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
