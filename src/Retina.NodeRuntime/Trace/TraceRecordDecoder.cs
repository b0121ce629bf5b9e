using System.Buffers.Binary;
using System.Diagnostics;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Plugins.DropReason;
using Retina.NodeRuntime.Plugins.Dns;

namespace Retina.NodeRuntime.Trace;

/// <summary>Reads bpf/trace's records (struct tr_event, and tr_dns_event with its payload) into <see cref="TraceRecord"/>s.</summary>
public sealed class TraceRecordDecoder(DropReasonNames names, KernelSymbols symbols)
{
    /// <summary>sizeof(struct tr_event): checked against the object's BTF at load.</summary>
    public const int HeaderSize = 80;

    /// <summary>sizeof(struct tr_dns_event).</summary>
    public const int DnsEventSize = HeaderSize + 512;

    private static readonly string[] DropFamily = [TraceEventKinds.Drop, TraceEventKinds.SockError, TraceEventKinds.NfQueue];
    private const uint Drop = 1, Dns = 2, Retrans = 3, ResetSent = 4, ResetReceived = 5, Connect = 6, UdpFlow = 7;

    // bpf_ktime_get_ns and Stopwatch share CLOCK_MONOTONIC on Linux: one offset turns kernel times into wall time.
    private readonly DateTimeOffset bootWall = DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(0);

    /// <summary>The record, or null when it is malformed (counted by the caller).</summary>
    public TraceRecord? Decode(ReadOnlySpan<byte> r)
    {
        if (r.Length < HeaderSize)
        {
            return null;
        }

        var ts = BinaryPrimitives.ReadUInt64LittleEndian(r);
        var location = BinaryPrimitives.ReadUInt64LittleEndian(r[8..]);
        var kind = BinaryPrimitives.ReadUInt32LittleEndian(r[16..]);
        var reason = BinaryPrimitives.ReadUInt32LittleEndian(r[20..]);
        var time = bootWall + TimeSpan.FromTicks((long)(ts / 100));
        string eventKind;
        string? dropReason = null, function = null;
        DnsMessage? dns = null;
        var flag = false;
        switch (kind)
        {
            case Drop:
                dropReason = names.Name(reason);
                function = TraceDropKinds.NeedsLocation(dropReason) ? symbols.Name(location) : null;
                eventKind = TraceDropKinds.Classify(dropReason, function);
                break;
            case Dns:
                if (!TryDns(r, out dns))
                {
                    return null;
                }

                eventKind = TraceEventKinds.Dns;
                break;
            case Retrans:
                eventKind = TraceEventKinds.TcpRetrans;
                break;
            case ResetSent or ResetReceived:
                eventKind = TraceEventKinds.TcpReset;
                flag = kind == ResetSent;
                break;
            case Connect:
                eventKind = TraceEventKinds.Connect;
                flag = reason == 1;
                break;
            case UdpFlow:
                eventKind = TraceEventKinds.Connect;
                break;
            default:
                return null;
        }

        return new TraceRecord
        {
            Kind = eventKind,
            Time = time,
            DropReason = dropReason,
            DropLocation = function,
            Flag = flag,
            Ifindex = BinaryPrimitives.ReadUInt32LittleEndian(r[24..]),
            Direction = BinaryPrimitives.ReadUInt32LittleEndian(r[28..]),
            Source = IpKey.FromBytes(r.Slice(32, 16)),
            Destination = IpKey.FromBytes(r.Slice(48, 16)),
            SourcePort = BinaryPrimitives.ReadUInt16LittleEndian(r[64..]),
            DestinationPort = BinaryPrimitives.ReadUInt16LittleEndian(r[66..]),
            IpVersion = r[68],
            Protocol = r[69],
            TcpFlags = r[70],
            TcpState = r[71],
            Length = kind == Dns ? BinaryPrimitives.ReadUInt32LittleEndian(r[76..]) : BinaryPrimitives.ReadUInt32LittleEndian(r[72..]),
            Dns = dns,
        };
    }

    /// <summary>
    /// What a record names without decoding it (for one the writer had no room for): its kind family, as the event
    /// kinds it can become (a kernel drop is drop, sockerror or nfqueue once its reason is read), and its addresses.
    /// </summary>
    public static (IReadOnlyList<string> Kinds, IpKey Source, IpKey Destination)? Peek(ReadOnlySpan<byte> r)
    {
        if (r.Length < HeaderSize)
        {
            return null;
        }

        IReadOnlyList<string>? kinds = BinaryPrimitives.ReadUInt32LittleEndian(r[16..]) switch
        {
            Drop => DropFamily,
            Dns => [TraceEventKinds.Dns],
            Retrans => [TraceEventKinds.TcpRetrans],
            ResetSent or ResetReceived => [TraceEventKinds.TcpReset],
            Connect or UdpFlow => [TraceEventKinds.Connect],
            _ => null,
        };
        return kinds is null ? null : (kinds, IpKey.FromBytes(r.Slice(32, 16)), IpKey.FromBytes(r.Slice(48, 16)));
    }

    private static bool TryDns(ReadOnlySpan<byte> r, out DnsMessage? message)
    {
        message = null;
        if (r.Length < DnsEventSize)
        {
            return false;
        }

        var len = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(r[72..]), 512u);
        var payload = r.Slice(HeaderSize, len);
        if (r[69] == 6)
        {
            var messages = new List<DnsMessage>(1);
            if (DnsParser.ParseTcpSegment(payload, messages) == 0)
            {
                return false;
            }

            message = messages[0];
            return true;
        }

        return DnsParser.TryParse(payload, out message) && message is not null;
    }
}
