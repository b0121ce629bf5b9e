using Retina.NodeRuntime.Capture;

namespace Retina.NodeRuntime.Tests.Capture;

public sealed class CaptureFilterBuilderTests
{
    private static CaptureRequest Request() => new() { Namespace = "ns", Name = "c", NodeName = "n" };

    [Fact]
    public void Include_and_exclude_filters_become_any_of_the_includes_and_none_of_the_excludes()
    {
        var filter = CaptureFilterBuilder.Build(Request() with
        {
            IncludeFilters = ["10.0.0.1", "10.0.0.2:80", "*:53"],
            ExcludeFilters = ["*:22", "10.0.0.9"],
        });

        filter.ShouldBe("((host 10.0.0.1) or (host 10.0.0.2 and port 80) or (port 53)) and not ((port 22) or (host 10.0.0.9))");
    }

    [Fact]
    public void Every_part_of_the_request_is_anded_in_parentheses()
    {
        var filter = CaptureFilterBuilder.Build(Request() with
        {
            PcapFilter = "tcp or udp",
            SourceIPs = ["10.1.1.1", "10.1.1.2"],
            DestinationIPs = ["10.2.2.2"],
            PodIPs = ["10.3.3.3"],
        });

        filter.ShouldBe("(tcp or udp) and (src host 10.1.1.1 or src host 10.1.1.2) and (dst host 10.2.2.2) and (host 10.3.3.3)");
    }

    [Fact]
    public void An_empty_request_captures_everything()
    {
        CaptureFilterBuilder.Build(Request()).ShouldBe("");
    }

    [Fact]
    public void IPv6_endpoints_take_brackets_with_a_port_and_none_without()
    {
        CaptureFilterBuilder.Endpoint("[fd00::1]:443", "f").ShouldBe("(host fd00::1 and port 443)");
        CaptureFilterBuilder.Endpoint("fd00::1", "f").ShouldBe("(host fd00::1)");
    }

    [Theory]
    [InlineData("10.0.0.1 or host 1.1.1.1")]
    [InlineData("*:http")]
    [InlineData("10.0.0.1:70000")]
    [InlineData("example.com:80")]
    public void A_malformed_include_names_the_field_and_the_value(string include)
    {
        var e = Should.Throw<CaptureFilterException>(() => CaptureFilterBuilder.Build(Request() with { IncludeFilters = [include] }));
        e.Message.ShouldContain("filters.include");
        e.Message.ShouldContain(include);
    }

    [Fact]
    public void A_source_IP_that_is_not_an_address_is_rejected_instead_of_reaching_libpcap()
    {
        var e = Should.Throw<CaptureFilterException>(() => CaptureFilterBuilder.Build(Request() with { SourceIPs = ["1.2.3.4) or (tcp"] }));
        e.Message.ShouldContain("sourceIPs");
    }
}
