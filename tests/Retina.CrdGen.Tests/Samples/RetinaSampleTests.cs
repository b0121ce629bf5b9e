using System.Text.Json.Nodes;
using Retina.Api.Capture;
using Retina.CrdGen.Tests.Crds;
using Retina.Kube.Store;

namespace Retina.CrdGen.Tests.Samples;

/// <summary>Retina's own Capture samples, and a manifest setting every field of Retina's Capture, pass kubectl's strict field validation.</summary>
public sealed class RetinaSampleTests
{
    public static TheoryData<string> RetinaSamples() => Sample.Files("config/samples/retina");

    [Theory]
    [MemberData(nameof(RetinaSamples))]
    public void Every_retina_capture_sample_passes_strict_field_validation_and_is_accepted(string file)
    {
        foreach (var sample in Sample.Load(Path.GetDirectoryName(file)!).Where(s => s.ToString() == file))
        {
            StrictFields.Unknown(sample.Json).ShouldBeEmpty($"{sample}: fields kubectl --validate=strict refuses");
            CrdSchemas.Validate(sample.Json).ShouldBeEmpty($"{sample}: schema errors");
            sample.Kind.Validate(sample.Typed()).Errors.ShouldBeEmpty();
        }
    }

    [Fact]
    public void The_retina_samples_are_all_six_of_retinas_capture_samples()
    {
        Directory.GetFiles(Retina.Testing.Repo.RepoPaths.Combine("config/samples/retina"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
        [
            "capture-specific-pod-on-a-node.yaml", "node-rotating-capture.yaml", "node-s3upload-aws.yaml",
            "node-s3upload-minio.yaml", "nodeblobupload.yaml", "podblobupload.yaml",
        ]);
    }

    [Fact]
    public void A_manifest_setting_every_retina_capture_field_has_no_unknown_field()
    {
        var manifest = YamlJson.ParseAll(EveryRetinaField).Single();

        StrictFields.Unknown(manifest).ShouldBeEmpty();
    }

    [Fact]
    public void Strict_validation_finds_a_field_retina_does_not_have()
    {
        var manifest = YamlJson.ParseAll(EveryRetinaField).Single();
        manifest["spec"]!["captureConfiguration"]!["captureOption"]!["printEverything"] = true;
        manifest["spec"]!["captureConfiguration"]!["filters"]!["only"] = new JsonArray("x");

        StrictFields.Unknown(manifest).ShouldBe(["spec.captureConfiguration.filters.only", "spec.captureConfiguration.captureOption.printEverything"], ignoreOrder: true);
    }

    [Fact]
    public void Every_print_option_of_retina_is_documented_as_having_no_effect_on_the_file()
    {
        var options = CrdSchemas.LoadCrd("Capture")["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!
            ["properties"]!["spec"]!["properties"]!["captureConfiguration"]!["properties"]!["captureOption"]!["properties"]!;
        foreach (var name in PrintOptions)
        {
            var description = options[name]!["description"]!.GetValue<string>();
            description.ShouldContain("Accepted for compatibility", customMessage: name);
        }
    }

    private static readonly string[] PrintOptions =
    [
        "packetBuffered", "immediateMode", "noResolveDNS", "noResolvePort", "verbosity", "printDataFormat",
        "printLinkHeader", "quietOutput", "absoluteSeq", "timestampFormat", "dontVerifyChecksum",
    ];

    /// <summary>Every field of Retina's v1alpha1 Capture (crd/api/v1alpha1/capture_types.go), mutually exclusive ones included: strict validation judges names, not combinations.</summary>
    private const string EveryRetinaField = """
        apiVersion: retina.sh/v1alpha1
        kind: Capture
        metadata:
          name: every-field
          namespace: default
        spec:
          captureConfiguration:
            captureTarget:
              nodeSelector: {matchLabels: {kubernetes.io/os: linux}}
              namespaceSelector: {matchLabels: {team: a}}
              podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}
              podNames: [web-0]
            filters:
              include: ["10.0.0.1:80", "*:53", "10.0.0.2", "80"]
              exclude: ["10.0.0.3:*"]
            tcpdumpFilter: "tcp"
            includeMetadata: true
            captureOption:
              duration: 10m
              packetSize: 1500
              maxCaptureSize: 100
              fileCount: 10
              interfaces: [eth0, eth1]
              pcapFilter: "tcp port 443"
              noPromiscuous: true
              packetBuffered: true
              immediateMode: true
              noResolveDNS: true
              noResolvePort: true
              verbosity: max
              printDataFormat: ascii-with-link
              printLinkHeader: true
              quietOutput: true
              absoluteSeq: true
              timestampFormat: delta-since-first
              dontVerifyChecksum: true
          outputConfiguration:
            hostPath: retina
            persistentVolumeClaim: mypvc
            blobUpload: blobsassecret
            s3Upload:
              endpoint: https://s3.example.internal
              bucket: retina-bucket
              secretName: capture-s3-upload-secret
              region: ap-northeast-2
              path: retina/captures
          cleanUpAfterUpload: true
        """;
}
