using System.Diagnostics;
using System.Text.Json;
using Retina.Api.MetricsConfiguration;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.PacketParser;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Waiting;
using static Retina.NodeRuntime.Tests.AdvancedMetrics.AdvancedMetricsSpecs;

namespace Retina.NodeRuntime.Tests.Knobs;

/// <summary>Retina's agent keys, as the controller writes them into packetparser's settings, change what the kernel side does.</summary>
public sealed class PacketParserKnobsTests
{
    private const string Forward = "networkobservability_adv_forward_count";
    private const string Kernel = "controlplane_networkobservability_packetparser_kernel_total";

    private static readonly Api.NodeRuntime.NodeMetricsSpec PairSpec = Spec(Option("forward_count", ["podname", "ip"], ["podname", "ip"], ["direction"]));

    [KernelFact]
    public async Task Data_sampling_rate_two_sends_about_half_the_packets_to_user_space()
    {
        await using var bed = await PodLevelBed.StartAsync("kns", 2, PairSpec, settings: [("conntrack", "false"), ("sampling", "2")]);
        bed.State.State.ShouldBe(PluginPhase.Running, bed.State.Reason);
        var (a, b) = (bed.Network.Pods[0], bed.Network.Pods[1]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7041);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7041);

        NsUdp.Send(sa, b.Address, 7041, 400);
        await Until.TrueAsync(async () => AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), Kernel, ("stage", "packets")) >= 800,
            "both veths saw the 400 packets");
        var text = await bed.ScrapeAsync();
        var packets = AdvancedMetrics.SeriesLines.Sum(text, Kernel, ("stage", "packets"));
        var events = AdvancedMetrics.SeriesLines.Sum(text, Kernel, ("stage", "events"));

        // One in two at random (bpf_get_prandom_u32): 400 expected of 800, a standard deviation of 14.
        events.ShouldBeInRange(packets * 0.35, packets * 0.65, $"{events} events of {packets} packets");
    }

    [KernelFact]
    public async Task High_aggregation_attaches_to_the_uplink_only_so_traffic_between_pods_of_the_node_is_not_reported()
    {
        await using var bed = await PodLevelBed.StartAsync("kna", 2, PairSpec, settings: ("aggregation", "high"));
        await bed.Network.AddRemoteNodeAsync();
        var (a, b) = (bed.Network.Pods[0], bed.Network.Pods[1]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7042);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7042);
        using var remote = await NsUdp.BindAsync(bed.Network.Remote!, bed.Network.RemoteAddress, 7042);

        NsUdp.Send(sa, b.Address, 7042, 6);
        NsUdp.Drain(sb, 6, TimeSpan.FromSeconds(5)).ShouldBe(6);
        await Until.TrueAsync(async () =>
        {
            NsUdp.Send(sa, bed.Network.RemoteAddress, 7042, 1);
            return AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), Forward, ("source_podname", "pod-0"), ("destination_ip", bed.Network.RemoteAddress)) > 0;
        }, "traffic leaving through the uplink is reported");
        AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), Forward, ("destination_podname", "pod-1")).ShouldBe(0,
            "no program on the pods' veths: pod-to-pod traffic of the node never crosses the uplink");
    }

    [KernelFact]
    public async Task Bypassing_the_address_of_interest_lookup_sends_traffic_of_pods_no_filter_covers()
    {
        var spec = Spec(Option("forward_count", ["podname"], ["podname"]));
        spec.Namespaces = new MetricsNamespaces { Include = ["elsewhere"] };
        await using var bed = await PodLevelBed.StartAsync("knb", 2, spec, settings: ("filterIps", "false"));
        var (a, b) = (bed.Network.Pods[0], bed.Network.Pods[1]);
        using var sa = await NsUdp.BindAsync(a.Namespace, a.Address, 7043);
        using var sb = await NsUdp.BindAsync(b.Namespace, b.Address, 7043);

        NsUdp.Send(sa, b.Address, 7043, 5);
        NsUdp.Drain(sb, 5, TimeSpan.FromSeconds(5)).ShouldBe(5);
        await Until.TrueAsync(async () => AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), Kernel, ("stage", "events")) > 0,
            "the kernel reports addresses that are of no interest (with the lookup it sends nothing: no pod is covered)");
        AdvancedMetrics.SeriesLines.Sum(await bed.ScrapeAsync(), Forward).ShouldBe(0, "user space still reports only covered pods");
    }

    [KernelFact]
    public async Task Ring_buffer_and_filter_map_sizes_and_tcx_off_reach_the_kernel_objects()
    {
        await using var bed = await PodLevelBed.StartAsync("knr", 2, PairSpec,
            settings: [("ringBufferSize", "131072"), ("addressTableSize", "192"), ("tcx", "off")]);
        bed.State.State.ShouldBe(PluginPhase.Running, bed.State.Reason);
        bed.State.Hook.ShouldBe("clsact", "enableTCX: off uses clsact even where the kernel has tcx");

        var maps = await BpftoolMapsAsync();
        maps.ShouldContain(m => m.Name == "retina_pp_evts" && m.MaxEntries == 131072);
        maps.ShouldContain(m => m.Name == "retina_pp_ips" && m.MaxEntries == 192);
    }

    private static async Task<List<(string Name, long MaxEntries)>> BpftoolMapsAsync()
    {
        var psi = new ProcessStartInfo("bpftool", "-j map show") { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var json = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .Where(m => m.TryGetProperty("name", out _))
            .Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("max_entries").GetInt64()))
            .ToList();
    }
}
