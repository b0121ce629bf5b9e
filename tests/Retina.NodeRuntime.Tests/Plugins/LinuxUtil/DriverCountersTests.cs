using System.Globalization;
using Retina.Native.Libc;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.LinuxUtil;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Plugins.LinuxUtil;

/// <summary>
/// NIC driver counters in interface_stats. A veth's driver statistics count XDP drops per receive queue
/// (rx_queue_0_xdp_drops), so an XDP_DROP program on the receiving veth drives one to an exact value;
/// the expected figures are what <c>ethtool -S</c> prints for the same interface.
/// </summary>
public sealed class DriverCountersTests
{
    private const string Metric = "networkobservability_interface_stats";

    [KernelFact]
    public async Task Err_and_drop_keys_equal_ethtool_S_exactly()
    {
        await using var pair = await NetnsPair.CreateAsync("lud");
        using var xdp = await XdpDropProgram.AttachAsync(pair.NamespaceB, pair.VethB);
        using var a = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7811);
        NsUdp.Send(a, pair.AddressB, 7812, 23);
        var ethtool = await Until.ValueAsync(
            () => EthtoolSAsync(pair.NamespaceB, pair.VethB),
            s => s.GetValueOrDefault("rx_queue_0_xdp_drops") == 23,
            "ethtool -S counts the 23 frames XDP dropped");

        await using var t = await PluginTestHost.StartAsync(pair.NamespaceB, new PluginRequest("linuxutil"));
        var text = await t.Metrics.ScrapeAsync();

        MetricsText.Value(text, Metric, ("interface_name", pair.VethB), ("statistic_name", "rx_queue_0_xdp_drops")).ShouldBe(23);
        var exported = Series(text, pair.VethB);
        var expected = ethtool.Where(kv => kv.Value != 0 && (kv.Key.Contains("err", StringComparison.Ordinal) || kv.Key.Contains("drop", StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => (double)kv.Value);
        expected.ShouldContainKey("rx_queue_0_xdp_drops");
        foreach (var (key, value) in expected)
        {
            exported.ShouldContainKey(key);
            exported[key].ShouldBe(value, key);
        }

        // zero-valued and non err/drop keys (rx_queue_0_xdp_packets counts the same 23 frames) are not exported
        ethtool["rx_queue_0_xdp_packets"].ShouldBe(23);
        exported.ShouldNotContainKey("rx_queue_0_xdp_packets");
        exported.ShouldNotContainKey("rx_queue_0_drops");
        exported.ShouldNotContainKey("peer_ifindex");
        Series(text, "lo").Keys.Where(k => k.Contains("queue", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [KernelFact]
    public async Task Series_follow_the_counter_and_go_when_the_interface_goes()
    {
        await using var pair = await NetnsPair.CreateAsync("lue");
        var xdp = await XdpDropProgram.AttachAsync(pair.NamespaceB, pair.VethB);
        using var a = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7821);
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceB, new PluginRequest("linuxutil"));
        Series(await t.Metrics.ScrapeAsync(), pair.VethB).ShouldNotContainKey("rx_queue_0_xdp_drops");

        NsUdp.Send(a, pair.AddressB, 7822, 5);
        await Until.TrueAsync(async () => Series(await t.Metrics.ScrapeAsync(), pair.VethB).GetValueOrDefault("rx_queue_0_xdp_drops") == 5, "5 drops exported");
        NsUdp.Send(a, pair.AddressB, 7822, 6);
        await Until.TrueAsync(async () => Series(await t.Metrics.ScrapeAsync(), pair.VethB).GetValueOrDefault("rx_queue_0_xdp_drops") == 11, "11 drops exported");
        xdp.Dispose();

        await PairExecAsync(pair.NamespaceB, "ip", "link", "del", pair.VethB);
        await Until.TrueAsync(async () => Series(await t.Metrics.ScrapeAsync(), pair.VethB).Count == 0, "the deleted veth's driver series are removed");
    }

    [KernelFact]
    public async Task A_driver_without_statistics_is_remembered_and_loopback_is_skipped()
    {
        await using var pair = await NetnsPair.CreateAsync("luf");
        await PairExecAsync(pair.NamespaceB, "ip", "tuntap", "add", "tapx0", "mode", "tap");
        var counters = new DriverCounters();
        using var thread = NetnsThread.Start(pair.NamespaceB);
        (await thread.RunAsync(() => counters.Read([pair.VethB]))).ShouldBeEmpty(); // the interfaces setting narrows: the tap is not asked
        counters.UnsupportedCount.ShouldBe(0);
        var read = await thread.RunAsync(() => counters.Read(null));
        read.ShouldBeEmpty();
        counters.UnsupportedCount.ShouldBe(1); // the tap (EOPNOTSUPP); lo is skipped by name, the veth has statistics

        await PairExecAsync(pair.NamespaceB, "ip", "link", "del", "tapx0");
        await thread.RunAsync(() => counters.Read(null));
        counters.UnsupportedCount.ShouldBe(0);
    }

    [Fact]
    public void Skips_and_keys_follow_Retina()
    {
        DriverCounters.Skipped("lo").ShouldBeTrue();
        DriverCounters.Skipped("cbr0").ShouldBeTrue();
        DriverCounters.Skipped("eth0").ShouldBeFalse();
        DriverCounters.ErrorOrDrop("rx_crc_errors").ShouldBeTrue();
        DriverCounters.ErrorOrDrop("rx_queue_0_xdp_drops").ShouldBeTrue();
        DriverCounters.ErrorOrDrop("rx_packets").ShouldBeFalse();
        ProcNet.IsDevField("rx_dropped").ShouldBeTrue();
    }

    private static Task<string> PairExecAsync(string ns, string file, params string[] args) => NetnsPair.ExecAsync(ns, file, args);

    /// <summary>ethtool -S of one interface, parsed: key → value.</summary>
    private static async Task<Dictionary<string, long>> EthtoolSAsync(string ns, string iface)
    {
        var text = await NetnsPair.ExecAsync(ns, "ethtool", "-S", iface);
        var result = new Dictionary<string, long>();
        foreach (var line in text.Split('\n').Skip(1))
        {
            var colon = line.LastIndexOf(':');
            if (colon > 0 && long.TryParse(line[(colon + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            {
                result[line[..colon].Trim()] = v;
            }
        }

        return result;
    }

    /// <summary>The interface_stats series of one interface whose names are not /proc/net/dev fields: driver keys.</summary>
    private static Dictionary<string, double> Series(string text, string iface)
    {
        var result = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(Metric + "{", StringComparison.Ordinal) || !line.Contains($"interface_name=\"{iface}\"", StringComparison.Ordinal))
            {
                continue;
            }

            var at = line.IndexOf("statistic_name=\"", StringComparison.Ordinal) + "statistic_name=\"".Length;
            var key = line[at..line.IndexOf('"', at)];
            if (!ProcNet.IsDevField(key))
            {
                result[key] = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return result;
    }
}
