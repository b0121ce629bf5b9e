using System.Text.Json.Nodes;
using Retina.CrdGen.Tests.Crds;

namespace Retina.CrdGen.Tests.Samples;

/// <summary>A Capture or MetricsConfiguration that Retina's v1alpha1 accepts is accepted by us with the same meaning.</summary>
public sealed class RetinaCompatibilityTests
{
    /// <summary>Every field of Retina's v1alpha1 Capture spec (crd/api/v1alpha1/capture_types.go).</summary>
    private static readonly string[] RetinaCaptureFields =
    [
        "spec.captureConfiguration.captureTarget.nodeSelector",
        "spec.captureConfiguration.captureTarget.namespaceSelector",
        "spec.captureConfiguration.captureTarget.podSelector",
        "spec.captureConfiguration.filters.include",
        "spec.captureConfiguration.filters.exclude",
        "spec.captureConfiguration.tcpdumpFilter",
        "spec.captureConfiguration.includeMetadata",
        "spec.captureConfiguration.captureOption.duration",
        "spec.captureConfiguration.captureOption.packetSize",
        "spec.captureConfiguration.captureOption.maxCaptureSize",
        "spec.captureConfiguration.captureOption.fileCount",
        "spec.captureConfiguration.captureOption.interfaces",
        "spec.captureConfiguration.captureOption.pcapFilter",
        "spec.captureConfiguration.captureOption.noPromiscuous",
        "spec.captureConfiguration.captureOption.packetBuffered",
        "spec.captureConfiguration.captureOption.immediateMode",
        "spec.captureConfiguration.captureOption.noResolveDNS",
        "spec.captureConfiguration.captureOption.noResolvePort",
        "spec.captureConfiguration.captureOption.verbosity",
        "spec.captureConfiguration.captureOption.printDataFormat",
        "spec.captureConfiguration.captureOption.printLinkHeader",
        "spec.captureConfiguration.captureOption.quietOutput",
        "spec.captureConfiguration.captureOption.absoluteSeq",
        "spec.captureConfiguration.captureOption.timestampFormat",
        "spec.captureConfiguration.captureOption.dontVerifyChecksum",
        "spec.captureConfiguration.captureTarget.podNames",
        "spec.cleanUpAfterUpload",
        "spec.outputConfiguration.hostPath",
        "spec.outputConfiguration.persistentVolumeClaim",
        "spec.outputConfiguration.blobUpload",
        "spec.outputConfiguration.s3Upload.endpoint",
        "spec.outputConfiguration.s3Upload.bucket",
        "spec.outputConfiguration.s3Upload.secretName",
        "spec.outputConfiguration.s3Upload.region",
        "spec.outputConfiguration.s3Upload.path",
    ];

    [Fact]
    public void The_all_fields_sample_sets_every_retina_capture_field_and_is_accepted()
    {
        var sample = Sample.Load("config/samples").Single(s => s.Json["metadata"]!["name"]!.GetValue<string>() == "retina-all-fields");
        // nodeSelector excludes the pod selectors (in Retina too), so capture-node-hostpath.yaml carries it.
        // pcapFilter excludes tcpdumpFilter (ours), and podNames the selectors: capture-node-hostpath.yaml and
        // capture-podnames-hostpath.yaml carry them.
        foreach (var path in RetinaCaptureFields.Where(p => !p.EndsWith(".nodeSelector", StringComparison.Ordinal) && !p.EndsWith(".podNames", StringComparison.Ordinal) && !p.EndsWith(".pcapFilter", StringComparison.Ordinal)))
        {
            Select(sample.Json, path).ShouldNotBeNull($"the sample must set {path}");
        }

        CrdSchemas.Validate(sample.Json).ShouldBeEmpty();
        sample.Kind.Validate(sample.Typed()).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Every_retina_capture_field_exists_in_our_crd_schema()
    {
        var schema = CrdSchemas.LoadCrd("Capture")["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        foreach (var path in RetinaCaptureFields)
        {
            var node = schema;
            foreach (var part in path.Split('.'))
            {
                node = node?["properties"]?[part];
            }

            node.ShouldNotBeNull($"{path} is missing from crds/retina.sh_captures.yaml");
        }
    }

    private static JsonNode? Select(JsonNode node, string path) =>
        path.Split('.').Aggregate<string, JsonNode?>(node, (n, part) => n?[part]);
}
