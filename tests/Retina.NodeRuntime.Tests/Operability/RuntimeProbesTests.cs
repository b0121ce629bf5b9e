using Microsoft.Extensions.Time.Testing;
using Retina.NodeRuntime.Metrics.Health;
using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Tests.Operability;

/// <summary>What /readyz and /healthz decide from the agent's pulse.</summary>
public sealed class RuntimeProbesTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    [Fact]
    public void Readiness_lists_requested_plugins_not_started_and_states_without_reason()
    {
        var time = new FakeTimeProvider();
        var pulse = new AgentPulse();
        pulse.Passed(new AgentPulse.LastPass(time.GetUtcNow(), 3, ["packetparser", "dropreason", "dns"],
            [PluginState.Running("dns", "tracepoint"), new PluginState("packetparser", PluginPhase.Disabled, null, null), new PluginState("dropreason", PluginPhase.Degraded, "kprobe", null)],
            PluginsLoaded: true, Failure: null));
        var answer = new RuntimeProbes(pulse, Heartbeat, time).Readiness();
        answer.Healthy.ShouldBeFalse();
        answer.Message.ShouldContain("packetparser: not started yet");
        answer.Message.ShouldContain("dropreason: Degraded without a reason");
        answer.Message.ShouldNotContain("dns");
    }

    [Fact]
    public void Readiness_counts_a_plugin_the_kernel_cannot_run_as_converged_when_it_says_why()
    {
        var time = new FakeTimeProvider();
        var pulse = new AgentPulse();
        pulse.Passed(new AgentPulse.LastPass(time.GetUtcNow(), 1, ["packetparser", "dropreason"],
            [PluginState.Running("packetparser", "tcx"), PluginState.Failed("dropreason", "kernel 5.4 has no BPF ring buffer (needs 5.8)")], PluginsLoaded: true, Failure: null));
        new RuntimeProbes(pulse, Heartbeat, time).Readiness().Healthy.ShouldBeTrue();
    }

    [Fact]
    public void Readiness_fails_when_the_last_pass_failed_or_plugins_cannot_load()
    {
        var time = new FakeTimeProvider();
        var pulse = new AgentPulse();
        pulse.Passed(new AgentPulse.LastPass(time.GetUtcNow(), 1, ["dns"], [], PluginsLoaded: false, Failure: "capture engine: disk full"));
        var answer = new RuntimeProbes(pulse, Heartbeat, time).Readiness();
        answer.Healthy.ShouldBeFalse();
        answer.Message.ShouldContain("the last pass failed: capture engine: disk full");
        answer.Message.ShouldContain("plugins dns are requested but this runtime loads no eBPF plugins");
    }

    [Fact]
    public void Liveness_fails_past_three_heartbeats_but_not_while_waiting_for_the_first_sync()
    {
        var time = new FakeTimeProvider();
        var pulse = new AgentPulse();
        var probes = new RuntimeProbes(pulse, Heartbeat, time);
        probes.Liveness().Healthy.ShouldBeFalse("the loop has not started");

        pulse.Syncing = true;
        time.Advance(TimeSpan.FromMinutes(5));
        probes.Liveness().Healthy.ShouldBeTrue("an unreachable API server is not a wedged loop: restarting would not help");

        pulse.Syncing = false;
        pulse.Passed(new AgentPulse.LastPass(time.GetUtcNow(), 1, [], [], PluginsLoaded: true, Failure: null));
        pulse.Turned(time.GetUtcNow());
        time.Advance(Heartbeat * 3);
        probes.Liveness().Healthy.ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(1));
        var answer = probes.Liveness();
        answer.Healthy.ShouldBeFalse();
        answer.Message.ShouldContain("wedged");
    }

    [Fact]
    public void Before_the_first_pass_completes_a_turn_may_take_the_first_pass_allowance()
    {
        var time = new FakeTimeProvider();
        var pulse = new AgentPulse();
        var probes = new RuntimeProbes(pulse, Heartbeat, time);
        pulse.Turned(time.GetUtcNow());
        time.Advance(RuntimeProbes.FirstPassAllowance);
        probes.Liveness().Healthy.ShouldBeTrue("the first plugin load may parse BTF for a while");
        time.Advance(TimeSpan.FromSeconds(1));
        var answer = probes.Liveness();
        answer.Healthy.ShouldBeFalse();
        answer.Message.ShouldContain("the first pass's allowance");
    }
}
