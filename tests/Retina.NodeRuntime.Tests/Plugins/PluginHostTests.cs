using Retina.Testing.Waiting;
using System.Text.Json;
using Retina.Native.Libbpf;
using Retina.Native.Libc;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Plugins.PacketForward;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Plugins;

public sealed class PluginHostTests
{
    private static PluginRequest[] AllBasic(string iface) =>
        PluginCatalog.Basic.Select(n => PluginTestHost.Request(n, ("interfaces", iface))).ToArray();

    [KernelFact]
    public async Task The_plugin_set_changes_at_run_time_without_a_restart()
    {
        await using var pair = await NetnsPair.CreateAsync("hc");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, new PluginRequest("linuxutil"));
        t.Host.Current.Take(5).Select(s => (s.Name, s.State)).ShouldBe(
        [
            ("packetforward", PluginPhase.Disabled), ("dropreason", PluginPhase.Disabled), ("dns", PluginPhase.Disabled),
            ("tcpretrans", PluginPhase.Disabled), ("linuxutil", PluginPhase.Running),
        ]);

        await t.Host.ApplyAsync([PluginTestHost.Request("packetforward", ("interfaces", pair.VethA)), new PluginRequest("dropreason")], CancellationToken.None);
        t.State("packetforward").State.ShouldBe(PluginPhase.Running);
        t.State("dropreason").State.ShouldBe(PluginPhase.Running);
        t.State("linuxutil").State.ShouldBe(PluginPhase.Disabled);
        await PacketForwardPluginTests.AssertExactCountsAsync(pair, t, 30);

        await t.Host.ApplyAsync([new PluginRequest("dropreason"), new PluginRequest("nosuchplugin")], CancellationToken.None);
        t.State("packetforward").ShouldBe(new PluginState("packetforward", PluginPhase.Disabled, null, null));
        t.State("nosuchplugin").State.ShouldBe(PluginPhase.Failed);
        var before = await t.ValueAsync("networkobservability_forward_count", ("direction", "egress"));
        using var a = await NsUdp.BindAsync(pair.NamespaceA, pair.AddressA, 7901);
        using var b = await NsUdp.BindAsync(pair.NamespaceB, pair.AddressB, 7902);
        NsUdp.Send(a, pair.AddressB, 7902, 10);
        NsUdp.Drain(b, 10, TimeSpan.FromSeconds(5)).ShouldBe(10);
        (await t.ValueAsync("networkobservability_forward_count", ("direction", "egress"))).ShouldBe(before, "packetforward was detached");
    }

    [KernelFact]
    public async Task Changed_settings_restart_only_that_plugin_on_the_new_interfaces()
    {
        await using var pair = await NetnsPair.CreateAsync("hs");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("packetforward", ("interfaces", "lo")), new PluginRequest("dropreason"));
        var dropIds = t.Host.ProgramIds.ToHashSet();
        await t.Host.ApplyAsync([PluginTestHost.Request("packetforward", ("interfaces", pair.VethA)), new PluginRequest("dropreason")], CancellationToken.None);
        t.State("packetforward").State.ShouldBe(PluginPhase.Running);
        t.Host.ProgramIds.Intersect(dropIds).Count().ShouldBe(1, "dropreason kept its program; packetforward loaded new ones");
        await PacketForwardPluginTests.AssertExactCountsAsync(pair, t, 25);
    }

    [KernelTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_dispose_no_program_link_or_filter_of_ours_remains(bool forceClsact)
    {
        await using var pair = await NetnsPair.CreateAsync("hd");
        var t = await PluginTestHost.StartAsync(pair.NamespaceA, null,
            o =>
            {
                if (forceClsact)
                {
                    o.ProbeOverrides[ProbeNames.Tcx] = ProbeResult.Unsupported("forced by test");
                }
            },
            AllBasic(pair.VethA));
        t.Host.Current.Count(s => s.State is PluginPhase.Running or PluginPhase.Degraded).ShouldBe(5);
        var ids = t.Host.ProgramIds.ToHashSet();
        ids.Count.ShouldBe(6); // pf ×2, dns ×2, drop, tcpretrans
        (await TcFiltersAsync(pair)).ShouldBe(forceClsact ? 4 : 0);
        BpfInventory.Links().Count(l => ids.Contains(l.ProgId)).ShouldBe(forceClsact ? 2 : 6, "tracepoints (and tcx) are links");

        await t.DisposeAsync();

        t.Host.ProgramIds.ShouldBeEmpty();
        // Closed programs and links are freed after an RCU grace period: wait for it, a leak still fails here.
        await Until.TrueAsync(() => !BpfInventory.Programs().Any(p => ids.Contains(p.Id)), "the kernel released our programs");
        await Until.TrueAsync(() => !BpfInventory.Links().Any(l => ids.Contains(l.ProgId)), "the kernel released our links");
        (await TcFiltersAsync(pair)).ShouldBe(0);
        var bpftool = await Shell.RunAsync("bpftool", ["-j", "prog", "show"]);
        var shown = JsonDocument.Parse(bpftool.StdOut).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetUInt32());
        shown.Intersect(ids).ShouldBeEmpty();
        Directory.GetFiles(t.StateDirectory).ShouldBeEmpty("the ledger is removed on a clean exit");
    }

    [KernelFact]
    public async Task A_second_runtime_beside_the_first_does_not_break_it()
    {
        await using var pair = await NetnsPair.CreateAsync("h2");
        var state = Directory.CreateTempSubdirectory("retina-plugins-").FullName;
        void Clsact(PluginHostOptions o) => o.ProbeOverrides[ProbeNames.Tcx] = ProbeResult.Unsupported("forced by test");
        await using var first = await PluginTestHost.StartAsync(pair.NamespaceA, state, Clsact, AllBasic(pair.VethA));
        await using var firstTcx = await PluginTestHost.StartAsync(pair.NamespaceA, PluginTestHost.Request("packetforward", ("interfaces", pair.VethA)));
        var second = await PluginTestHost.StartAsync(pair.NamespaceA, state, Clsact, AllBasic(pair.VethA));
        second.Host.LeftoversRemoved.ShouldBe(0, "the first runtime is alive: its filters are not leftovers");
        second.State("packetforward").State.ShouldBe(PluginPhase.Degraded);

        await PacketForwardPluginTests.AssertExactCountsAsync(pair, first, 40);
        await PacketForwardPluginTests.AssertExactCountsAsync(pair, second, 40);
        await second.DisposeAsync();
        await PacketForwardPluginTests.AssertExactCountsAsync(pair, first, 35);
        await PacketForwardPluginTests.AssertExactCountsAsync(pair, firstTcx, 35);
    }

    [KernelFact]
    public async Task Leftover_clsact_filters_of_a_crashed_run_are_removed_at_start_and_nobody_elses()
    {
        await using var pair = await NetnsPair.CreateAsync("hl");
        var state = Directory.CreateTempSubdirectory("retina-plugins-").FullName;
        var objDir = Path.Combine(AppContext.BaseDirectory, "bpf");
        uint ifindex;
        using (var ns = NetnsThread.Start(pair.NamespaceA))
        {
            ifindex = await ns.RunAsync(() => LibC.IfNameToIndex(pair.VethA));

            // A "crashed" runtime: filters attached and recorded, object closed without detaching.
            var ledger = new ClsactLedger(state);
            using (var crashed = BpfObject.Load(Path.Combine(objDir, "packetforward.bpf.o")))
            {
                await ns.RunAsync(() =>
                {
                    ledger.Add(ns.Path, ns.Inode, crashed.Program("retina_pf_ing").AttachClsact(ifindex, true));
                    ledger.Add(ns.Path, ns.Inode, crashed.Program("retina_pf_egr").AttachClsact(ifindex, false));
                });
            }

            // Someone else's filter, recorded in the same ledger by mistake: it must survive.
            using var foreign = BpfObject.Load(Path.Combine(objDir, "bench.bpf.o"));
            var other = await ns.RunAsync(() => foreign.Program("retina_empty").AttachClsact(ifindex, true));
            var entries = JsonSerializer.Deserialize<List<ClsactLedger.Entry>>(await File.ReadAllTextAsync(ledger.FilePath))!;
            entries.Add(new ClsactLedger.Entry(ns.Path, ns.Inode, ifindex, true, other.Handle, other.Priority, other.ProgId + 100000));
            var dead = await Shell.RunAsync("sh", ["-c", "echo $$"]);
            var crashedFile = Path.Combine(state, $"{dead.StdOut.Trim()}-1-crashed.json");
            await File.WriteAllTextAsync(crashedFile, JsonSerializer.Serialize(entries));
            File.Delete(ledger.FilePath);
            (await TcFiltersAsync(pair)).ShouldBe(3);

            await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, state, null, new PluginRequest("linuxutil"));
            t.Host.LeftoversRemoved.ShouldBe(2);
            (await TcFiltersAsync(pair)).ShouldBe(1, "only the foreign filter remains");
            (await ns.RunAsync(() => ClsactFilter.Query(ifindex, true, other.Handle, other.Priority))).ShouldBe(other.ProgId);
            File.Exists(crashedFile).ShouldBeFalse("the crashed run's ledger is replayed once, then removed");
            await ns.RunAsync(other.Dispose);
        }
    }

    [KernelFact]
    public async Task Forcing_the_bpf_probe_to_fail_fails_every_bpf_plugin_with_the_reason_and_keeps_linuxutil()
    {
        await using var pair = await NetnsPair.CreateAsync("hp");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, null,
            o => o.ProbeOverrides[ProbeNames.Bpf] = ProbeResult.Unsupported("forced by test"), AllBasic(pair.VethA));
        foreach (var name in new[] { "packetforward", "dropreason", "dns", "tcpretrans" })
        {
            t.State(name).ShouldBe(PluginState.Failed(name, "bpf unsupported (forced by test)"));
        }

        t.State("linuxutil").State.ShouldBe(PluginPhase.Running);
        t.Host.ProgramIds.ShouldBeEmpty();
    }

    [KernelFact]
    public async Task Forcing_tracefs_missing_fails_the_tracepoint_plugins_only()
    {
        await using var pair = await NetnsPair.CreateAsync("ht");
        await using var t = await PluginTestHost.StartAsync(pair.NamespaceA, null,
            o => o.ProbeOverrides[ProbeNames.Tracefs] = ProbeResult.Unsupported("forced by test"), AllBasic(pair.VethA));
        t.State("dropreason").ShouldBe(PluginState.Failed("dropreason", "tracefs unsupported (forced by test)"));
        t.State("tcpretrans").ShouldBe(PluginState.Failed("tcpretrans", "tracefs unsupported (forced by test)"));
        t.State("packetforward").State.ShouldBe(PluginPhase.Running);
        t.State("dns").State.ShouldBe(PluginPhase.Running);
        (await t.ValueAsync("controlplane_networkobservability_plugin_state", ("plugin", "dropreason"), ("state", "Failed"))).ShouldBe(1);
    }

    [KernelFact]
    public async Task The_host_reports_every_probe_answer_with_overrides_applied()
    {
        await using var t = await PluginTestHost.StartAsync(null, null,
            o => o.ProbeOverrides[ProbeNames.Tcx] = ProbeResult.Unsupported("forced by test"), new PluginRequest("linuxutil"));
        var probes = t.Host.Probes;
        probes[ProbeNames.Tcx].ShouldBe(ProbeResult.Unsupported("forced by test"));
        probes[ProbeNames.Bpf].ShouldBe(ProbeResult.Supported);
        probes[ProbeNames.KfreeSkb].ShouldBe(ProbeResult.Supported, "the host mounts tracefs itself when it is missing");
        probes[ProbeNames.DropReasonBtf].ShouldBe(ProbeResult.Supported);
        probes.Count.ShouldBe(9);
    }

    [Fact]
    public async Task Probes_answer_from_overrides_first()
    {
        var o = new PluginHostOptions();
        o.ProbeOverrides[ProbeNames.Tcx] = ProbeResult.Inconclusive("forced");
        var p = new KernelProbes(o);
        p.Probe(ProbeNames.Tcx).Outcome.ShouldBe(ProbeOutcome.Inconclusive);
        p.Probe("no such probe").Outcome.ShouldBe(ProbeOutcome.Inconclusive);
        await Task.CompletedTask;
    }

    private static async Task<int> TcFiltersAsync(NetnsPair pair)
    {
        var n = 0;
        foreach (var dir in new[] { "ingress", "egress" })
        {
            var r = await Shell.RunAsync("ip", ["netns", "exec", pair.NamespaceA, "tc", "filter", "show", "dev", pair.VethA, dir]);
            n += r.StdOut.Split('\n').Count(l => l.Contains("direct-action", StringComparison.Ordinal));
        }

        return n;
    }
}
