using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Tests.Capture;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Kernel;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Agent;

/// <summary>A node runs at most MaxConcurrentCaptures captures; the rest wait, say so, and start as slots free.</summary>
public sealed class CaptureConcurrencyTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task Over_the_limit_an_assignment_is_queued_with_a_reason_and_starts_when_a_slot_frees()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var api = await FakeKubeApiServer.StartAsync();
        var options = new NodeAgentOptions
        {
            NodeName = "node-a",
            NetworkNamespace = Retina.Native.Packet.NetworkNamespace.PathOf(bed.Pair.NamespaceA),
            CaptureBaseDirectory = bed.HostPathBase,
            MaxConcurrentCaptures = 1,
        };
        using var credentials = HostPathOnly();
        await using var runner = new CaptureRunner(bed.Engine(), credentials, options, NullLogger.Instance);
        var first = Assignment(bed, "first");
        var second = Assignment(bed, "second");
        var third = Assignment(bed, "third");

        await runner.ConvergeAsync([first, second, third], [], None);
        Phase(runner, "first").ShouldBe("Running");
        var queued = Status(runner, "second");
        (queued.Phase, queued.Reason).ShouldBe(("Pending", CaptureReasons.Queued));
        queued.Message.ShouldBe("queued: this node already runs its maximum of 1 concurrent captures (Retina:NodeRuntime:MaxConcurrentCaptures); it starts when one finishes");
        runner.Active.ShouldBe(1);

        // The third is stopped before it ever ran: it finishes without running.
        third.Stop = true;
        await runner.ConvergeAsync([first, second, third], [], None);
        (Status(runner, "third").Phase, Status(runner, "third").Reason).ShouldBe(("Failed", CaptureReasons.StoppedWhileQueued));
        Phase(runner, "second").ShouldBe("Pending", "still no slot");

        first.Stop = true;
        await Until.TrueAsync(async () =>
        {
            // The agent converges again whenever a capture finishes; the freed slot may go in the same pass as the stop.
            await runner.ConvergeAsync([first, second, third], [], None);
            return Phase(runner, "second") == "Running";
        }, "the freed slot goes to the queued capture");
        Phase(runner, "first").ShouldBe("Completed");
        runner.Active.ShouldBe(1);
    }

    [KernelFact]
    public async Task A_capture_reported_queued_before_a_restart_starts_fresh_instead_of_being_recovered_as_failed()
    {
        await using var bed = await CaptureBed.CreateAsync();
        await using var api = await FakeKubeApiServer.StartAsync();
        var options = new NodeAgentOptions
        {
            NodeName = "node-a",
            NetworkNamespace = Retina.Native.Packet.NetworkNamespace.PathOf(bed.Pair.NamespaceA),
            CaptureBaseDirectory = bed.HostPathBase,
            MaxConcurrentCaptures = 2,
        };
        using var credentials = HostPathOnly();
        await using var runner = new CaptureRunner(bed.Engine(), credentials, options, NullLogger.Instance);
        var waiting = Assignment(bed, "waiting");

        await runner.ConvergeAsync([waiting], [new NodeWorkStatus { Key = waiting.Key, Phase = "Pending", Reason = CaptureReasons.Queued }], None);

        Phase(runner, "waiting").ShouldBe("Running");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_limit_below_one_is_refused_at_start_up(int limit)
    {
        new NodeAgentOptions { NodeName = "n", MaxConcurrentCaptures = limit }.Validate()
            .ShouldContain($"Retina:NodeRuntime:MaxConcurrentCaptures must be at least 1 (got {limit})");
        new NodeAgentOptions { NodeName = "n", MaxConcurrentTraces = limit }.Validate()
            .ShouldContain($"Retina:NodeRuntime:MaxConcurrentTraces must be at least 1 (got {limit})");
    }

    [Fact]
    public void More_concurrent_traces_than_the_kernels_64_trace_slots_are_refused_at_start_up()
    {
        new NodeAgentOptions { NodeName = "n", MaxConcurrentTraces = 64 }.Validate().ShouldNotContain(p => p.Contains("MaxConcurrentTraces"));
        new NodeAgentOptions { NodeName = "n", MaxConcurrentTraces = 65 }.Validate()
            .ShouldContain("Retina:NodeRuntime:MaxConcurrentTraces must be at most 64, the kernel's trace slots (got 65)");
    }

    private static NodeCaptureAssignment Assignment(CaptureBed bed, string name) => new()
    {
        Key = $"default/{name}/{Guid.NewGuid()}",
        Namespace = "default",
        Name = name,
        Interfaces = [bed.Pair.VethA],
        Duration = "10m",
        HostPath = "out",
        IncludeMetadata = false,
    };

    private static NodeWorkStatus Status(CaptureRunner runner, string name) => runner.Report().Single(r => r.Key.Split('/')[1] == name);

    private static string? Phase(CaptureRunner runner, string name) => Status(runner, name).Phase;

    /// <summary>The real credential client; host-path captures never call it (it would fail: nothing listens there).</summary>
    private static Retina.NodeRuntime.Credentials.ControllerCredentialClient HostPathOnly() => new(new Retina.NodeRuntime.Credentials.ControllerCredentialOptions
    {
        Endpoint = new Uri("https://127.0.0.1:1"), TokenPath = "/nonexistent/token", CaPath = "/nonexistent/ca.crt",
    });
}
