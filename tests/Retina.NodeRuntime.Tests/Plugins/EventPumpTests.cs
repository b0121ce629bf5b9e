using Retina.Native.Libbpf;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Tests.Plugins.Dns;
using Retina.Testing.Kernel;
using Retina.Testing.Waiting;
using static Retina.NodeRuntime.Tests.Plugins.MetricsText;

namespace Retina.NodeRuntime.Tests.Plugins;

/// <summary>
/// The pump between a real kernel ring buffer and its consumer, with bpf/dns run by BPF_PROG_TEST_RUN as the producer:
/// each run of the program on a DNS query frame is exactly one ring record. A lone batch stays under the programs' wake-up
/// threshold, so the pump takes it at its next poll, all records of one run in one batch.
/// </summary>
public sealed class EventPumpTests : IDisposable
{
    private const string LostEvents = "controlplane_networkobservability_lost_events_total";
    private readonly BpfObject obj = BpfObject.Load(Path.Combine(AppContext.BaseDirectory, "bpf", "dns.bpf.o"));
    private readonly NodeMetrics metrics = new();
    private readonly byte[] query = DnsFrames.Ipv4(17, DnsFrames.Udp(5353, 53, DnsParserTests.Query("pump.retina.test")));

    private void Emit(int records) => obj.Program("retina_dns_ing").TestRun(query, records).Retval.ShouldBe(-1);

    private EventPump Pump(Action<ReadOnlyMemory<byte>> handle) => new(obj.Map("retina_dns_evts"), "dns", metrics, 1, handle);

    private static Task DrainedAsync(EventPump pump, long received, string because) =>
        Until.TrueAsync(() => pump.Received == received && pump.Handled + pump.Lost == received, because);

    [KernelFact]
    public async Task With_room_for_one_record_two_records_reaching_an_idle_consumer_in_one_batch_are_both_handled()
    {
        long handled = 0;
        await using var pump = Pump(_ => Interlocked.Increment(ref handled));
        Emit(1);
        await DrainedAsync(pump, 1, "the first record handled: the consumer waits for the next");

        for (var batch = 1; batch <= 20; batch++)
        {
            Emit(2);
            await DrainedAsync(pump, 1 + (2 * batch), $"batch {batch} handled or counted lost");
            pump.Lost.ShouldBe(0, $"batch {batch}: the consumer had caught up, one record was its own and one fit the channel");
        }

        Interlocked.Read(ref handled).ShouldBe(41);
        Value(await metrics.ScrapeAsync(), LostEvents, ("type", "dns")).ShouldBe(0);
    }

    [KernelFact]
    public async Task With_room_for_one_record_a_flood_behind_a_busy_consumer_is_one_record_held_one_waiting_and_the_rest_counted()
    {
        const int flood = 300;
        using var hold = new ManualResetEventSlim(true);
        long handled = 0;
        var pump = Pump(_ =>
        {
            hold.Wait();
            Interlocked.Increment(ref handled);
        });
        try
        {
            Emit(1);
            await DrainedAsync(pump, 1, "the first record handled: the consumer waits for the next");
            hold.Reset();
            Emit(flood);
            await Until.TrueAsync(() => pump.Received == 1 + flood, "the flood taken from the ring");
            hold.Set();
            await DrainedAsync(pump, 1 + flood, "the flood handled or counted lost");
        }
        finally
        {
            hold.Set();
            await pump.DisposeAsync();
        }

        pump.Handled.ShouldBe(3, "the first record, the flood's first (the consumer's, blocked) and its second (waiting in the channel)");
        Interlocked.Read(ref handled).ShouldBe(3);
        pump.Lost.ShouldBe(flood - 2);
        var text = await metrics.ScrapeAsync();
        Value(text, LostEvents, ("type", "dns"), ("reason", "channel_full")).ShouldBe(flood - 2, "every record not handled is counted");
        Value(text, LostEvents, ("type", "dns")).ShouldBe(flood - 2, "and only once");
    }

    public void Dispose() => obj.Dispose();
}
