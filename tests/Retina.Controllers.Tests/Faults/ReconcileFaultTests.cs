using System.Net;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Controllers.Tests.Support;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Waiting;
using Xunit.Abstractions;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Faults;

/// <summary>
/// Every write the controllers make during a Capture's life (finalizer, status, NodeRuntime create and spec, copy Job,
/// events) meets each failure a real API server produces, and the life still ends converged, with nothing lost and
/// nothing done twice (issue 11, item 8). The writes are discovered from a clean run, so a new write is covered too.
/// </summary>
public sealed class ReconcileFaultTests(ITestOutputHelper output)
{
    public enum Failure
    {
        /// <summary>500 twice: the controller's rate-limited requeue.</summary>
        ServerError,

        /// <summary>429 with Retry-After, as API Priority and Fairness answers: the client waits and resends.</summary>
        Throttled,

        /// <summary>The write is applied and its answer is lost (a 500 after the fact): the retry must not duplicate it.</summary>
        LostAnswer,

        /// <summary>409 Conflict: re-read and retry.</summary>
        Conflict,

        /// <summary>The server hangs past the client's timeout.</summary>
        Timeout,
    }

    [Theory]
    [InlineData(Failure.ServerError)]
    [InlineData(Failure.Throttled)]
    [InlineData(Failure.LostAnswer)]
    [InlineData(Failure.Conflict)]
    [InlineData(Failure.Timeout)]
    public async Task A_capture_life_converges_when_each_controller_write_fails(Failure failure)
    {
        List<(string Verb, string Plural, string Subresource)> writes;
        CaptureObjectSummary clean;
        await using (var baseline = await ControllerHarness.StartAsync())
        {
            clean = CaptureObjectSummary.Of(await CaptureLife.RunAsync(baseline));
            writes = CaptureLife.ControllerWrites(baseline.Api);
        }

        output.WriteLine("controller writes: " + string.Join(", ", writes));
        writes.ShouldContain(("create", "noderuntimes", ""));
        writes.ShouldContain(("patch", "noderuntimes", ""));
        writes.ShouldContain(("create", "jobs", ""));

        await using var h = await ControllerHarness.StartAsync(clientTimeout: failure == Failure.Timeout ? TimeSpan.FromSeconds(2) : null);
        // A real server answers a create with 409 only when the object exists (AlreadyExists); Conflict is for stale writes.
        foreach (var (verb, plural, sub) in writes.Where(w => failure != Failure.Conflict || w.Verb != "create"))
        {
            h.Api.Faults.Add(Fault(failure, verb, plural, sub));
        }

        var done = await CaptureLife.RunAsync(h);

        output.WriteLine("fired: " + string.Join(", ", h.Api.Faults.Fired));
        // A write that the clean run made only by timing (e.g. a second status patch) may not recur; the life's own writes must.
        var hit = h.Api.Faults.Fired.Select(f => (f.Verb, f.Plural, f.Subresource)).ToHashSet();
        foreach (var core in new[] { ("create", "noderuntimes", ""), ("patch", "noderuntimes", ""), ("patch", "captures", "status"), ("create", "jobs", ""), ("patch", "metricsconfigurations", "status") }
            .Where(w => failure != Failure.Conflict || w.Item1 != "create"))
        {
            hit.ShouldContain(core, $"the {core} write met its failure");
        }

        CaptureObjectSummary.Of(done).ShouldBe(clean, "the same outcome as the clean run");
        (await h.Client.ListAsync<V1Job>(new() { Namespace = "shop" }, CancellationToken.None)).Items.Count.ShouldBe(1, "one copy Job, however often its create was retried");
        (await h.Client.ListAsync<NodeRuntimeObject>(new(), CancellationToken.None)).Items.Count.ShouldBe(1);
    }

    private static FakeFault Fault(Failure failure, string verb, string plural, string sub) => failure switch
    {
        Failure.ServerError => new FakeFault { Verb = verb, Plural = plural, Subresource = sub, Times = 2 },
        Failure.Throttled => FakeFault.Throttled(verb, plural, TimeSpan.FromSeconds(1), subresource: sub),
        Failure.LostAnswer => new FakeFault { Verb = verb, Plural = plural, Subresource = sub, AfterApplying = true },
        Failure.Conflict => new FakeFault { Verb = verb, Plural = plural, Subresource = sub, Code = HttpStatusCode.Conflict },
        _ => new FakeFault { Verb = verb, Plural = plural, Subresource = sub, Hang = TimeSpan.FromSeconds(4), Code = HttpStatusCode.GatewayTimeout },
    };

    /// <summary>What a user sees of a finished capture, without times and versions.</summary>
    private sealed record CaptureObjectSummary(string? Phase, string Nodes, string Artifacts, string Conditions)
    {
        public static CaptureObjectSummary Of(Api.Capture.Capture c) => new(
            c.Status?.Phase,
            string.Join(";", (c.Status?.Nodes ?? []).Select(n => $"{n.Node}={n.Phase}")),
            string.Join(";", (c.Status?.Artifacts ?? []).Select(a => $"{a.Node}:{a.Output}:{a.Location.Replace(c.Metadata.Uid, "<uid>", StringComparison.Ordinal)}").Order(StringComparer.Ordinal)),
            string.Join(";", (c.Status?.Conditions ?? []).OrderBy(k => k.Type, StringComparer.Ordinal).Select(k => $"{k.Type}={k.Status}/{k.Reason}")));
    }
}
