using System.Buffers.Binary;
using Retina.Native.Libbpf;
using Retina.NodeRuntime.Plugins.Interfaces;

namespace Retina.NodeRuntime.Plugins.Dns;

/// <summary>
/// DNS requests and responses seen on the node's interfaces: bpf/dns copies port-53 payloads
/// (UDP and TCP, IPv4 and IPv6; one copy per packet per node, see its header comment) into a ring
/// buffer, <see cref="DnsParser"/> reads them in user space.
/// </summary>
public sealed class DnsPlugin : RingBufferPlugin
{
    public const string PluginName = "dns";

    // struct dns_event: len, wire_len, direction, ifindex, saddr[16], daddr[16], sport, dport,
    // ip_version, protocol, reserved, data[512]
    private const int HeaderSize = 56;
    private const int ProtocolOffset = 53;
    private const byte Tcp = 6;

    private LabelCap queries = new(1000);
    private LabelCap responses = new(1000);

    public override string Name => PluginName;

    protected override IReadOnlyList<string> RequiredProbes => [];

    protected override async Task<PluginState> StartEventsAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        if (settings.TryGetValue("maxQueryNames", out var mq) && int.TryParse(mq, out var max) && max > 0)
        {
            queries = new LabelCap(max);
            responses = new LabelCap(max);
        }

        var obj = Load();
        if (CheckEventSize("dns_event", HeaderSize + 512) is { } wrong)
        {
            return PluginState.Failed(Name, wrong);
        }

        Stream("retina_dns_evts", "retina_dns_lost");
        var selection = InterfaceSelection.FromSettings(settings, Context.Options, InterfaceRole.Host, InterfaceRole.Pod, InterfaceRole.Tunnel);
        var (tracker, state) = await NodeAttachment.StartAsync(Context, Name, obj.Program("retina_dns_ing"), obj.Program("retina_dns_egr"), selection, settings);
        if (tracker is not null)
        {
            OnStop(tracker);
        }

        return state;
    }

    protected override void Handle(ReadOnlyMemory<byte> record)
    {
        var span = record.Span;
        var m = Context.Metrics;
        if (span.Length < HeaderSize)
        {
            m.Lost(Name, "malformed");
            return;
        }

        var len = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(span), (uint)(span.Length - HeaderSize));
        var payload = span.Slice(HeaderSize, len);
        m.ParsedPackets.WithLabels(Name).Inc();
        if (span[ProtocolOffset] == Tcp)
        {
            // DNS over TCP is rare next to UDP: a list per segment costs nothing that matters.
            var messages = new List<DnsMessage>(1);
            if (DnsParser.ParseTcpSegment(payload, messages) == 0)
            {
                // Mostly the later segments of a message already counted from its first: told apart from malformed UDP.
                m.Lost(Name, "tcp_not_message_start");
                return;
            }

            foreach (var message in messages)
            {
                Count(message);
            }

            return;
        }

        if (!DnsParser.TryParse(payload, out var msg) || msg is null)
        {
            m.Lost(Name, "malformed");
            return;
        }

        Count(msg);
    }

    private void Count(DnsMessage msg)
    {
        var m = Context.Metrics;
        var query = queries.Apply(msg.QueryName);
        if (!msg.IsResponse)
        {
            m.DnsRequestCount.WithLabels(msg.QueryTypeName, query).Inc();
            return;
        }

        var response = responses.Apply(string.Join(",", msg.Addresses.Order(StringComparer.Ordinal)));
        m.DnsResponseCount.WithLabels(msg.RcodeName, msg.QueryTypeName, query, response, msg.AnswerCount.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
    }
}
