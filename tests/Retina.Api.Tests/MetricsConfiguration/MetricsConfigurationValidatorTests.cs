using Retina.Api.MetricsConfiguration;

namespace Retina.Api.Tests.MetricsConfiguration;

public sealed class MetricsConfigurationValidatorTests
{
    private static Api.MetricsConfiguration.MetricsConfiguration Config(List<string> source, List<string>? additional = null)
    {
        var c = new Api.MetricsConfiguration.MetricsConfiguration();
        c.Metadata.Name = "m";
        c.Spec.ContextOptions = [new MetricsContextOptions { MetricName = "forward_count", SourceLabels = source, AdditionalLabels = additional }];
        c.Spec.Namespaces = new MetricsNamespaces { Include = ["default"] };
        return c;
    }

    [Fact]
    public void Tokens_in_any_case_mean_what_they_mean_in_lower_case()
    {
        MetricLabels.Context(["PodName", "IP", "Workload", "zone"]).ShouldBe(["ip", "podname", "workload", "zone"]);
        MetricLabels.Additional(["Direction", "IS_REPLY"]).ShouldBe(["direction", "is_reply"]);
    }

    [Fact]
    public void Unknown_and_repeated_tokens_are_valid_and_each_is_named_with_its_path()
    {
        var validator = new MetricsConfigurationValidator();
        var config = Config(["ip", "pod", "podName", "PODNAME"], ["direction", "reason"]);

        validator.Validate(config).IsValid.ShouldBeTrue();
        var warnings = validator.Warnings(config).Select(w => w.ToString()).ToList();
        warnings.ShouldBe([
            "spec.contextOptions[0].sourceLabels[1]: unknown label \"pod\" ignored (known: ip, namespace, podname, workload, service, port, zone)",
            "spec.contextOptions[0].sourceLabels[3]: \"PODNAME\" repeats spec.contextOptions[0].sourceLabels[2] (podname); counted once",
            "spec.contextOptions[0].additionalLabels[1]: unknown label \"reason\" ignored (known: direction, is_reply)",
        ]);
    }

    [Fact]
    public void Known_tokens_give_no_warning()
    {
        new MetricsConfigurationValidator().Warnings(Config(["ip", "podname"], ["direction"])).ShouldBeEmpty();
    }
}
