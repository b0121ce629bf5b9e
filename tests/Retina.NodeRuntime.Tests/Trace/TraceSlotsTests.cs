using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Trace;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceSlotsTests
{
    [Fact]
    public void A_starting_trace_takes_the_lowest_slot_no_running_trace_holds()
    {
        var slots = new TraceSlots();
        slots.Acquire(0).ShouldBe(0);
        slots.Acquire(0b1).ShouldBe(1);
        slots.Acquire(0b101).ShouldBe(1);
        slots.Acquire(~0UL >> 1).ShouldBe(63);
    }

    [Fact]
    public void A_freed_slot_is_reused_only_once_the_kernel_no_longer_names_it()
    {
        var slots = new TraceSlots();
        slots.Applying(0b11);
        slots.Applied(0b11);
        // The trace of slot 1 ended; the kernel still has its addresses until the next apply.
        slots.Acquire(0b01).ShouldBe(2);
        slots.Applied(0b01);
        slots.Acquire(0b01).ShouldBe(1);
    }

    [Fact]
    public void With_every_free_slot_still_named_a_stale_one_is_taken_and_with_none_free_it_is_a_bug()
    {
        var slots = new TraceSlots();
        slots.Applied(~0UL);
        slots.Acquire(~0UL & ~(1UL << 5)).ShouldBe(5);
        Should.Throw<InvalidOperationException>(() => slots.Acquire(~0UL)).Message.ShouldContain("MaxConcurrentTraces must not exceed 64");
    }

    [Fact]
    public void A_runner_for_more_concurrent_traces_than_slots_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new TraceRunner(null, new EnrichmentCache("n"),
            new TraceRunnerOptions { NodeName = "n", CaptureBaseDirectory = "/nonexistent", MaxConcurrent = 65 }, NullLogger.Instance));
    }

    [Fact]
    public void A_trace_on_a_reused_slot_reports_only_what_the_slot_counted_since_it_started()
    {
        // The slot's kernel counter stood at 120 from an earlier trace when this one took it.
        var trace = new NodeTrace(new NodeTraceAssignment { Key = "shop/t/u", Namespace = "shop", Name = "t", PodIps = ["10.0.0.1"] },
            new TraceRunnerOptions { NodeName = "n", CaptureBaseDirectory = "/nonexistent" }, new EnrichmentCache("n"), DateTimeOffset.UtcNow, null, 120) { Slot = 3 };
        trace.Report(120).LostEventsByReason![TraceReasons.RingBufferFull].ShouldBe(0);
        trace.Report(125).LostEventsByReason![TraceReasons.RingBufferFull].ShouldBe(5);
        trace.Stop(DateTimeOffset.UtcNow);
        trace.Report(900).LostEventsByReason![TraceReasons.RingBufferFull].ShouldBe(5, "the slot may be another trace's once this one ended");
    }

    [Fact]
    public void After_a_runtime_restart_a_trace_keeps_the_ring_losses_it_reported_and_adds_its_new_slots()
    {
        var reported = new NodeTraceStatus
        {
            Key = "shop/t/u", Phase = "Running", StartTime = DateTime.UtcNow, Events = 10,
            LostEventsByReason = new() { [TraceReasons.RingBufferFull] = 7, [TraceReasons.WriterBehind] = 2 },
        };
        var trace = new NodeTrace(new NodeTraceAssignment { Key = "shop/t/u", Namespace = "shop", Name = "t", PodIps = ["10.0.0.1"] },
            new TraceRunnerOptions { NodeName = "n", CaptureBaseDirectory = "/nonexistent" }, new EnrichmentCache("n"), DateTimeOffset.UtcNow, reported, 0);
        trace.Report(0).LostEventsByReason![TraceReasons.RingBufferFull].ShouldBe(7);
        var later = trace.Report(3).LostEventsByReason!;
        later[TraceReasons.RingBufferFull].ShouldBe(10);
        later[TraceReasons.WriterBehind].ShouldBe(2);
    }
}
