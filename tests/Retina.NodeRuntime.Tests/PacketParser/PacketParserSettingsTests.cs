using Retina.NodeRuntime.Plugins.PacketParser;

namespace Retina.NodeRuntime.Tests.PacketParser;

public sealed class PacketParserSettingsTests
{
    [Fact]
    public void Defaults_follow_pod_veths_with_connection_tracking()
    {
        var (s, error) = PacketParserSettings.Parse(new Dictionary<string, string>());
        error.ShouldBeNull();
        s!.Conntrack.ShouldBeTrue();
        s.Sampling.ShouldBe(1u);
        s.PodInterfacePrefixes.ShouldBeEmpty("pod interfaces are found by what they are, not by name");
        s.HostInterfaces.ShouldBeEmpty();
        s.ReportInterval.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Every_wrong_setting_is_named_in_one_message()
    {
        var (s, error) = PacketParserSettings.Parse(new Dictionary<string, string>
        {
            ["conntrack"] = "maybe",
            ["sampling"] = "0",
            ["reportInterval"] = "soon",
            ["connectionTableSize"] = "8",
        });
        s.ShouldBeNull();
        error.ShouldNotBeNull();
        error.ShouldContain("conntrack: 'maybe'");
        error.ShouldContain("sampling: '0'");
        error.ShouldContain("reportInterval: 'soon'");
        error.ShouldContain("connectionTableSize: '8'");
    }

    [Fact]
    public void Host_interfaces_and_prefixes_are_comma_separated_lists()
    {
        var (s, _) = PacketParserSettings.Parse(new Dictionary<string, string> { ["hostInterfaces"] = "eth0, eth1", ["podInterfacePrefixes"] = "cali", ["conntrack"] = "false", ["sampling"] = "10" });
        s!.HostInterfaces.ShouldBe(["eth0", "eth1"]);
        s.PodInterfacePrefixes.ShouldBe(["cali"]);
        s.Conntrack.ShouldBeFalse();
        s.Sampling.ShouldBe(10u);
    }
}
