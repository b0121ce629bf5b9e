using Retina.Api.Capture;
using Retina.Api.Common;

namespace Retina.Api.Tests.Capture;

public sealed class CaptureValidatorTests
{
    private static Api.Capture.Capture Valid()
    {
        var c = new Api.Capture.Capture();
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { NodeSelector = new LabelSelector() };
        c.Spec.OutputConfiguration.HostPath = "x";
        return c;
    }

    [Fact]
    public void Every_problem_is_reported_at_once_each_with_its_field_path()
    {
        var c = Valid();
        c.Spec.CaptureConfiguration.CaptureTarget!.PodNames = ["web-0"];
        c.Spec.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = "10x", PacketSize = -1, SourceIPs = ["1.2.3.4", "nope"] };
        c.Spec.OutputConfiguration.HostPath = "/abs";

        var report = new CaptureValidator().Validate(c);

        report.Errors.Select(e => e.Path).ShouldBe(
        [
            "spec.captureConfiguration.captureOption.duration",
            "spec.captureConfiguration.captureOption.packetSize",
            "spec.captureConfiguration.captureOption.sourceIPs[1]",
            "spec.captureConfiguration.captureTarget",
            "spec.outputConfiguration.hostPath",
        ], ignoreOrder: true);
        report.Errors.Single(e => e.Path.EndsWith("duration", StringComparison.Ordinal)).ToString()
            .ShouldBe("spec.captureConfiguration.captureOption.duration: \"10x\" is not a duration (use e.g. 30s, 5m, 1h30m)");
    }

    [Fact]
    public void A_capture_without_any_target_is_rejected()
    {
        var c = Valid();
        c.Spec.CaptureConfiguration.CaptureTarget = null;
        new CaptureValidator().Validate(c).Errors.Single().Path.ShouldBe("spec.captureConfiguration.captureTarget");
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("10.0.0.1:80")]
    [InlineData("*:53")]
    [InlineData("10.0.0.1:*")]
    [InlineData("[fd00::1]:443")]
    [InlineData("fd00::1")]
    public void Retina_endpoint_filters_parse(string endpoint) => CaptureEndpoint.TryParse(endpoint, out _, out _).ShouldBeTrue();

    [Theory]
    [InlineData("*")]
    [InlineData("*:*")]
    [InlineData("10.0.0.1:70000")]
    [InlineData("10.0.0.1:http")]
    [InlineData("host:80")]
    public void Malformed_endpoint_filters_are_rejected(string endpoint) => CaptureEndpoint.TryParse(endpoint, out _, out _).ShouldBeFalse();

    [Fact]
    public void Tcpdump_filter_and_pcap_filter_together_are_ambiguous()
    {
        var c = Valid();
        c.Spec.CaptureConfiguration.TcpdumpFilter = "tcp";
        c.Spec.CaptureConfiguration.CaptureOption = new CaptureOption { PcapFilter = "udp" };
        new CaptureValidator().Validate(c).Errors.Single().Path.ShouldBe("spec.captureConfiguration.tcpdumpFilter");
    }
}
