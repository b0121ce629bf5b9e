using Retina.CrdGen.Tests.Crds;

namespace Retina.CrdGen.Tests.Samples;

public sealed class ValidSampleTests
{
    public static TheoryData<string> ValidFiles()
    {
        var data = Sample.Files("config/samples");
        foreach (var dir in new[] { "config/samples/local", "config/samples/retina" })
        {
            foreach (var f in Sample.Files(dir))
            {
                data.Add(f);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Every_valid_sample_is_accepted_by_the_CRD_schema_and_the_validator(string file)
    {
        var samples = Sample.Load(Path.GetDirectoryName(file)!).Where(s => s.ToString() == file).ToList();
        samples.ShouldNotBeEmpty();
        foreach (var sample in samples)
        {
            CrdSchemas.Validate(sample.Json).ShouldBeEmpty($"{sample}: schema errors");
            var report = sample.Kind.Validate(sample.Typed());
            report.Errors.ShouldBeEmpty($"{sample}: validator errors: {report.Summary()}");
        }
    }

    [Fact]
    public void Every_kind_has_at_least_one_valid_sample()
    {
        var kinds = Sample.Load("config/samples").Select(s => s.Kind.Kind).ToHashSet();
        foreach (var kind in Retina.Api.ResourceKinds.All)
        {
            kinds.ShouldContain(kind.Kind);
        }
    }

    [Fact]
    public void Captures_cover_node_pod_namespace_and_workload_targets_and_every_output()
    {
        var captures = Sample.Load("config/samples").Where(s => s.Kind.Kind == "Capture")
            .Select(s => (Retina.Api.Capture.Capture)s.Typed()).ToList();
        var targets = captures.Select(c => c.Spec.CaptureConfiguration.CaptureTarget!).ToList();
        targets.ShouldContain(t => t.NodeSelector != null);
        targets.ShouldContain(t => t.PodSelector != null && t.NamespaceSelector == null);
        targets.ShouldContain(t => t.NamespaceSelector != null);
        targets.ShouldContain(t => t.PodNames != null);
        targets.ShouldContain(t => t.WorkloadRef != null);
        var outputs = captures.Select(c => c.Spec.OutputConfiguration).ToList();
        outputs.ShouldContain(o => o.HostPath != null);
        outputs.ShouldContain(o => o.PersistentVolumeClaim != null);
        outputs.ShouldContain(o => o.BlobUpload != null);
        outputs.ShouldContain(o => o.S3Upload != null);
    }
}
