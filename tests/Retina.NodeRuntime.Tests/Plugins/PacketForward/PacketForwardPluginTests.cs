using Retina.NodeRuntime.Plugins;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Plugins.PacketForward;

public sealed class PacketForwardPluginTests
{
    private const string Count = "networkobservability_forward_count";
    private const string Bytes = "networkobservability_forward_bytes";

    [KernelFact]
    public async Task N_packets_each_way_grow_forward_count_by_N_per_direction_on_tcx()
    {
        await using var pair = await NetnsPair.CreateAsync("pf");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("packetforward", ("interfaces", pair.VethA)));
        t.State("packetforward").ShouldBe(new PluginState("packetforward", PluginPhase.Running, "tcx", null));

        await AssertExactCountsAsync(pair, t, 200);
    }

    [KernelFact]
    public async Task Forced_tcx_failure_falls_back_to_clsact_with_a_reason_and_still_counts_exactly()
    {
        await using var pair = await NetnsPair.CreateAsync("pfc");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, null,
            o => o.ProbeOverrides[ProbeNames.Tcx] = ProbeResult.Unsupported("forced by test"),
            PluginTestHost.Request("packetforward", ("interfaces", pair.VethA)));
        var s = t.State("packetforward");
        s.State.ShouldBe(PluginPhase.Degraded);
        s.Hook.ShouldBe("clsact");
        s.Reason.ShouldBe("tcx unsupported (forced by test), using clsact");

        await AssertExactCountsAsync(pair, t, 150);
    }

    [KernelFact]
    public async Task An_inconclusive_tcx_probe_still_tries_tcx_and_runs_on_it_when_the_kernel_accepts()
    {
        await using var pair = await NetnsPair.CreateAsync("pfi");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, null,
            o => o.ProbeOverrides[ProbeNames.Tcx] = ProbeResult.Inconclusive("forced by test"),
            PluginTestHost.Request("packetforward", ("interfaces", pair.VethA)));
        t.State("packetforward").ShouldBe(PluginState.Running("packetforward", "tcx"));
    }

    [KernelFact]
    public async Task Both_tc_hooks_forced_unsupported_fail_the_plugin_with_both_reasons()
    {
        await using var pair = await NetnsPair.CreateAsync("pff");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, null,
            o =>
            {
                o.ProbeOverrides[ProbeNames.Tcx] = ProbeResult.Unsupported("no tcx here");
                o.ProbeOverrides[ProbeNames.Clsact] = ProbeResult.Unsupported("no clsact here");
            },
            PluginTestHost.Request("packetforward", ("interfaces", pair.VethA)), new PluginRequest("linuxutil"));
        var s = t.State("packetforward");
        s.State.ShouldBe(PluginPhase.Failed);
        s.Reason.ShouldBe("tcx unsupported (no tcx here); clsact unsupported (no clsact here)");
        t.State("linuxutil").State.ShouldBe(PluginPhase.Running, "one failing plugin never stops the others");
        (await t.ValueAsync("controlplane_networkobservability_plugin_reconcile_failures_total", ("plugin", "packetforward"), ("reason", "failed"))).ShouldBe(1);
    }

    [KernelFact]
    public async Task Without_an_interfaces_setting_it_attaches_to_every_interface_but_loopback_and_follows_new_ones()
    {
        await using var pair = await NetnsPair.CreateAsync("pfd");
        await NetnsPair.ExecAsync(pair.NamespaceA, "ip", "route", "add", "default", "via", pair.AddressB, "dev", pair.VethA);
        await NetnsPair.ExecAsync(pair.NamespaceA, "ip", "link", "add", "podx0", "type", "veth", "peer", "name", "podx1");
        await NetnsPair.ExecAsync(pair.NamespaceA, "ip", "link", "set", "podx0", "up");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("packetforward", ("rescanInterval", "100ms")));
        t.State("packetforward").State.ShouldBe(PluginPhase.Running);
        var ids = t.Host.ProgramIds.ToHashSet();
        int Links() => Retina.Native.Libbpf.BpfInventory.Links().Count(l => ids.Contains(l.ProgId));
        Links().ShouldBe(6, "ingress and egress of the veth to B, podx0 and podx1; never lo");

        await Shell.CheckAsync("ip", "link", "add", "coredns--3f2a1b", "netns", pair.NamespaceA, "type", "veth", "peer", "name", "late1", "netns", pair.NamespaceB);
        await Until.TrueAsync(() => Links() == 8, "the interface created after start is attached too");
        await AssertExactCountsAsync(pair, t, 50);
    }

    [KernelFact]
    public async Task A_missing_interface_fails_with_its_name()
    {
        await using var pair = await NetnsPair.CreateAsync("pfm");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("packetforward", ("interfaces", "nosuch0")));
        t.State("packetforward").ShouldBe(PluginState.Failed("packetforward", "interfaces not found: nosuch0"));
    }

    internal static async Task AssertExactCountsAsync(NetnsPair pair, PluginTestHost t, int n)
    {
        var inBase = await t.ValueAsync(Count, ("direction", "ingress"));
        var outBase = await t.ValueAsync(Count, ("direction", "egress"));
        var outBytesBase = await t.ValueAsync(Bytes, ("direction", "egress"));
        using var a = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7001);
        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7002);

        NsUdp.Send(a, pair.AddressB, 7002, n);
        NsUdp.Drain(b, n, TimeSpan.FromSeconds(5)).ShouldBe(n);
        NsUdp.Send(b, pair.AddressA, 7001, n);
        NsUdp.Drain(a, n, TimeSpan.FromSeconds(5)).ShouldBe(n);

        (await t.GrowthAsync(Count, outBase, n, ("direction", "egress"))).ShouldBe(n);
        (await t.GrowthAsync(Count, inBase, n, ("direction", "ingress"))).ShouldBe(n);
        (await t.ValueAsync(Bytes, ("direction", "egress")) - outBytesBase).ShouldBe(n * 64, "22-byte payloads make 64-byte frames");
    }
}
