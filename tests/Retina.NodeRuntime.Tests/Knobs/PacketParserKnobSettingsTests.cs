using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.PacketParser;

namespace Retina.NodeRuntime.Tests.Knobs;

public sealed class PacketParserKnobSettingsTests
{
    [Fact]
    public void Retinas_keys_as_the_controller_writes_them_parse_into_the_settings()
    {
        var (s, error) = PacketParserSettings.Parse(new Dictionary<string, string>
        {
            ["aggregation"] = "high", ["filterIps"] = "false", ["addressTableSize"] = "255", ["tcx"] = "always",
            ["ringBufferSize"] = "8388608", ["conntrackMetrics"] = "true", ["sampling"] = "4", ["conntrack"] = "false",
        });
        error.ShouldBeNull();
        s!.HighAggregation.ShouldBeTrue();
        s.FilterIps.ShouldBeFalse();
        s.AddressTableSize.ShouldBe(255u);
        s.Tcx.ShouldBe(TcxMode.Always);
        s.RingBufferSize.ShouldBe(8388608u);
        s.ConntrackMetrics.ShouldBeTrue();
        s.Sampling.ShouldBe(4u);
        s.Selection().Description.ShouldContain("uplinks");
    }

    [Fact]
    public void Each_bad_value_is_named_and_the_plugin_refuses_to_start()
    {
        var (s, error) = PacketParserSettings.Parse(new Dictionary<string, string>
        {
            ["aggregation"] = "medium", ["filterIps"] = "yes", ["addressTableSize"] = "8", ["tcx"] = "maybe", ["ringBufferSize"] = "5000", ["conntrackMetrics"] = "1",
        });
        s.ShouldBeNull();
        foreach (var key in new[] { "aggregation", "filterIps", "addressTableSize", "tcx", "ringBufferSize", "conntrackMetrics" })
        {
            error!.ShouldContain(key + ":");
        }
    }
}
