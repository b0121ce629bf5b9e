using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.DropReason;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Plugins.DropReason;

public sealed class DropReasonPluginTests
{
    private const string Drops = "networkobservability_drop_count";

    [KernelFact]
    public async Task An_nft_drop_rule_grows_NETFILTER_DROP_by_exactly_N()
    {
        await using var pair = await NetnsPair.CreateAsync("dr");
        await NetnsPair.ExecAsync(pair.NamespaceA, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt udp dport 7100 drop");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, new PluginRequest("dropreason"));
        t.State("dropreason").ShouldBe(PluginState.Running("dropreason", "tracepoint skb:kfree_skb"));
        var baseline = await t.ValueAsync(Drops, ("reason", "NETFILTER_DROP"), ("direction", "ingress"));

        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7101);
        NsUdp.Send(b, pair.AddressA, 7100, 120);

        (await t.GrowthAsync(Drops, baseline, 120, ("reason", "NETFILTER_DROP"), ("direction", "ingress"))).ShouldBe(120);
        (await t.ValueAsync("networkobservability_drop_bytes", ("reason", "NETFILTER_DROP"))).ShouldBe(120 * 50, "an IP packet with 22 bytes of UDP payload is 50 bytes");
    }

    [KernelFact]
    public async Task Udp_to_a_closed_port_counts_NO_SOCKET_exactly_and_nothing_from_other_namespaces()
    {
        await using var pair = await NetnsPair.CreateAsync("dn");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, new PluginRequest("dropreason"));
        var baseline = await t.ValueAsync(Drops, ("reason", "NO_SOCKET"));

        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7201);
        NsUdp.Send(b, pair.AddressA, 7200, 75);
        using var a = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7202);
        NsUdp.Send(a, pair.AddressB, 7203, 33); // dropped in B: not our namespace

        (await t.GrowthAsync(Drops, baseline, 75, ("reason", "NO_SOCKET"))).ShouldBe(75);
    }

    [KernelFact]
    public async Task Retina_reason_names_alias_netfilter_drops_as_IPTABLE_RULE_DROP()
    {
        await using var pair = await NetnsPair.CreateAsync("da");
        await NetnsPair.ExecAsync(pair.NamespaceA, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt udp dport 7300 drop");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("dropreason", ("reasonNames", "retina")));
        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7301);
        NsUdp.Send(b, pair.AddressA, 7300, 40);

        (await t.GrowthAsync(Drops, 0, 40, ("reason", "IPTABLE_RULE_DROP"))).ShouldBe(40);
    }

    [KernelFact]
    public async Task Forced_tracepoint_failure_fails_the_plugin_with_the_probe_reason()
    {
        await using var t = await PluginTestHost.StartAsync(null, null,
            o => o.ProbeOverrides[ProbeNames.KfreeSkb] = ProbeResult.Unsupported("forced by test"),
            new PluginRequest("dropreason"));
        t.State("dropreason").ShouldBe(PluginState.Failed("dropreason", "tracepoint skb:kfree_skb unsupported (forced by test)"));
    }

    [KernelFact]
    public async Task Forced_missing_reason_btf_degrades_to_reason_numbers()
    {
        await using var pair = await NetnsPair.CreateAsync("db");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, null,
            o => o.ProbeOverrides[ProbeNames.DropReasonBtf] = ProbeResult.Unsupported("forced by test"),
            new PluginRequest("dropreason"));
        var s = t.State("dropreason");
        s.State.ShouldBe(PluginPhase.Degraded);
        s.Reason!.ShouldContain("forced by test");
        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7401);
        NsUdp.Send(b, pair.AddressA, 7400, 10);
        var noSocket = (uint)Retina.Native.Libbpf.Btf.ReadEnum("skb_drop_reason")!.Single(m => m.Name == "SKB_DROP_REASON_NO_SOCKET").Value;
        (await t.GrowthAsync(Drops, 0, 10, ("reason", $"UNKNOWN_{noSocket}"))).ShouldBe(10);
    }

    [Fact]
    public void Reason_names_come_from_the_kernel_enum_without_prefixes()
    {
        var names = new DropReasonNames([("SKB_NOT_DROPPED_YET", 0), ("SKB_CONSUMED", 1), ("SKB_DROP_REASON_NO_SOCKET", 3)]);
        names.Name(3).ShouldBe("NO_SOCKET");
        names.Name(1).ShouldBe("CONSUMED");
        names.Name(999).ShouldBe("UNKNOWN_999");
        names.Name(0x30001).ShouldBe("SUBSYS_3_1");
        DropReasonNames.RetinaAlias("NETFILTER_DROP").ShouldBe("IPTABLE_RULE_DROP");
        DropReasonNames.RetinaAlias("NO_SOCKET").ShouldBe("UNKNOWN_DROP");
    }
}
