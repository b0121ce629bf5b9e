using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.NodeRuntime.Capture;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>
/// Retina's filters.include/exclude tokens, translated as Retina's operator translates them (pkg/capture, filterToIPPortsMap
/// and its filter groups), plus our IPv6 forms; and admission accepts a token exactly when the node can build it.
/// </summary>
public sealed class RetinaFilterTranslationTests
{
    public static TheoryData<string, string> Translations() => new()
    {
        { "10.224.0.129", "(host 10.224.0.129)" },
        { "10.224.0.128:80", "(host 10.224.0.128 and port 80)" },
        { "*:53", "(port 53)" },
        { "10.0.0.1:*", "(host 10.0.0.1)" },
        { "80", "(port 80)" }, // no '.': Retina reads a port, not the address 0.0.0.80
        { "[fd00::1]:443", "(host fd00::1 and port 443)" },
        { "[fd00::1]:*", "(host fd00::1)" },
        { "[fd00::1]", "(host fd00::1)" },
        { "fd00::1", "(host fd00::1)" },
    };

    public static TheoryData<string> Rejected() => new()
    {
        "*:*", "*", "10.0.0.300", "1.2.3", "80:80", "10.0.0.1:", ":80", "10.0.0.1:70000", "10.0.0.1:0", "*:http",
        "10.0.0.0/8", "[10.0.0.1]:80", "[fd00::1", "[fd00::1]80", "example.com:80", "10.0.0.1 or tcp",
    };

    [Theory]
    [MemberData(nameof(Translations))]
    public void A_retina_token_becomes_the_primitive_retina_writes(string token, string primitive)
    {
        CaptureFilterBuilder.Endpoint(token, "filters.include").ShouldBe(primitive);
        Admits(token).ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void A_token_admission_refuses_is_refused_by_the_node_too(string token)
    {
        Admits(token).ShouldBeFalse();
        Should.Throw<CaptureFilterException>(() => CaptureFilterBuilder.Endpoint(token, "filters.include")).Message.ShouldContain(token);
    }

    [Fact]
    public void Include_and_exclude_groups_are_joined_as_retina_joins_them()
    {
        var filter = CaptureFilterBuilder.Build(new CaptureRequest
        {
            Namespace = "ns", Name = "c", NodeName = "n",
            IncludeFilters = ["10.224.0.128:80", "10.224.0.129"],
            ExcludeFilters = ["169.254.169.254"],
        });

        filter.ShouldBe("((host 10.224.0.128 and port 80) or (host 10.224.0.129)) and not ((host 169.254.169.254))");
    }

    [Fact]
    public void Host_network_pods_join_the_pod_ips_as_node_address_and_port()
    {
        var filter = CaptureFilterBuilder.Build(new CaptureRequest
        {
            Namespace = "ns", Name = "c", NodeName = "n",
            PodIPs = ["10.1.0.5"],
            PodEndpoints = ["192.168.0.2:8443", "[fd00::2]:80"],
        });

        filter.ShouldBe("(host 10.1.0.5 or (host 192.168.0.2 and port 8443) or (host fd00::2 and port 80))");
    }

    private static bool Admits(string token)
    {
        var capture = new Api.Capture.Capture();
        capture.Metadata.Name = "c";
        capture.Metadata.NamespaceProperty = "default";
        capture.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { NodeSelector = new LabelSelector() };
        capture.Spec.CaptureConfiguration.Filters = new CaptureFilters { Include = [token] };
        capture.Spec.OutputConfiguration.HostPath = "x";
        return new CaptureValidator().Validate(capture).IsValid;
    }
}
