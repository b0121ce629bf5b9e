using System.Buffers;
using System.Text.Json;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Enrichment;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// One event as one line in the shape of Hubble's exported flows (<c>hubble observe -o json</c>:
/// <c>{"flow": {...}, "node_name": ..., "time": ...}</c>): verdict, IP, l4, both endpoints with namespace, pod name,
/// labels and workloads, Type L3_L4 or L7 with l7.dns, is_reply, traffic_direction, node_name; what Hubble has no
/// field for (the kernel's drop reason name, the event kind, the interface, reset and connect detail) under
/// <c>flow.extensions</c>. Addresses that are no known pod's get namespace and pod_name "unknown".
/// </summary>
public static class FlowJsonLine
{
    public const string Unknown = "unknown";

    private static readonly string[] Directions = ["INGRESS", "EGRESS", "TRAFFIC_DIRECTION_UNKNOWN"];

    /// <param name="labels">The pods' labels (key=value), written with Hubble's <c>k8s:</c> prefix; null writes the namespace label only.</param>
    public static void Write(IBufferWriter<byte> output, TraceRecord r, PodInfo? source, PodInfo? destination, string node, long? dnsLatencyNs,
        Func<PodInfo, IReadOnlyList<string>>? labels = null)
    {
        using var w = new Utf8JsonWriter(output);
        var time = r.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var dropped = r.Kind is TraceEventKinds.Drop or TraceEventKinds.SockError or TraceEventKinds.NfQueue;
        w.WriteStartObject();
        w.WriteStartObject("flow");
        w.WriteString("time", time);
        w.WriteString("verdict", dropped ? "DROPPED" : "FORWARDED");
        if (dropped)
        {
            w.WriteString("drop_reason_desc", r.DropReason);
        }

        w.WriteStartObject("IP");
        w.WriteString("source", r.Source.ToString());
        w.WriteString("destination", r.Destination.ToString());
        w.WriteString("ipVersion", r.IpVersion == 6 ? "IPv6" : "IPv4");
        w.WriteEndObject();
        WriteL4(w, r);
        WriteEndpoint(w, "source", source, labels);
        WriteEndpoint(w, "destination", destination, labels);
        var l7 = r.Dns is not null;
        w.WriteString("Type", l7 ? "L7" : "L3_L4");
        w.WriteString("node_name", node);
        if (r.Dns is { } dns)
        {
            w.WriteStartObject("l7");
            w.WriteString("type", dns.IsResponse ? "RESPONSE" : "REQUEST");
            if (dnsLatencyNs is { } lat)
            {
                w.WriteNumber("latency_ns", lat);
            }

            w.WriteStartObject("dns");
            w.WriteString("query", dns.QueryName.EndsWith('.') ? dns.QueryName : dns.QueryName + ".");
            w.WriteStartArray("ips");
            foreach (var ip in dns.Addresses)
            {
                w.WriteStringValue(ip);
            }

            w.WriteEndArray();
            w.WriteNumber("ttl", dns.MinTtl ?? 0);
            w.WriteNumber("rcode", dns.Rcode);
            w.WriteStartArray("qtypes");
            w.WriteStringValue(dns.QueryTypeName);
            w.WriteEndArray();
            w.WriteString("observation_source", "retina");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteBoolean("is_reply", IsReply(r));
        w.WriteString("traffic_direction", Directions[Math.Min(r.Direction, 2u)]);
        w.WriteStartObject("extensions");
        w.WriteString("event_kind", r.Kind);
        if (r.DropReason is not null)
        {
            w.WriteString("drop_reason", r.DropReason);
        }

        if (r.DropLocation is not null)
        {
            w.WriteString("drop_location", r.DropLocation);
        }

        if (r.Ifindex != 0)
        {
            w.WriteNumber("ifindex", r.Ifindex);
        }

        if (r.Kind == TraceEventKinds.TcpReset)
        {
            w.WriteString("reset", r.Flag ? "sent" : "received");
        }

        if (r.Kind == TraceEventKinds.Connect)
        {
            w.WriteString("connect", r.Protocol == 17 ? "udp_first_packet" : r.Flag ? "accepted" : "opened");
        }

        if (r.Kind == TraceEventKinds.TcpRetrans && r.TcpState != 0)
        {
            w.WriteNumber("tcp_state", r.TcpState);
        }

        if (r.Dns is { } d)
        {
            w.WriteString("dns_rcode", d.RcodeName.ToUpperInvariant()); // the RFC spelling (NXDOMAIN), as dig prints it
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("node_name", node);
        w.WriteString("time", time);
        w.WriteEndObject();
        w.Flush();
        output.Write("\n"u8);
    }

    private static bool IsReply(TraceRecord r) => r.Dns?.IsResponse ?? false;

    private static void WriteL4(Utf8JsonWriter w, TraceRecord r)
    {
        w.WriteStartObject("l4");
        switch (r.Protocol)
        {
            case 6:
                w.WriteStartObject("TCP");
                w.WriteNumber("source_port", r.SourcePort);
                w.WriteNumber("destination_port", r.DestinationPort);
                w.WriteStartObject("flags");
                foreach (var (bit, name) in TcpFlagNames)
                {
                    if ((r.TcpFlags & bit) != 0)
                    {
                        w.WriteBoolean(name, true);
                    }
                }

                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case 17:
                w.WriteStartObject("UDP");
                w.WriteNumber("source_port", r.SourcePort);
                w.WriteNumber("destination_port", r.DestinationPort);
                w.WriteEndObject();
                break;
            case 1 or 58:
                w.WriteStartObject(r.Protocol == 1 ? "ICMPv4" : "ICMPv6");
                w.WriteNumber("type", r.SourcePort);
                w.WriteNumber("code", r.DestinationPort);
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
    }

    private static readonly (byte Bit, string Name)[] TcpFlagNames = [(0x01, "FIN"), (0x02, "SYN"), (0x04, "RST"), (0x08, "PSH"), (0x10, "ACK"), (0x20, "URG"), (0x40, "ECE"), (0x80, "CWR")];

    private static void WriteEndpoint(Utf8JsonWriter w, string name, PodInfo? pod, Func<PodInfo, IReadOnlyList<string>>? labels)
    {
        w.WriteStartObject(name);
        w.WriteString("namespace", pod?.Namespace is { Length: > 0 } ns ? ns : Unknown);
        w.WriteString("pod_name", pod?.Name is { Length: > 0 } n ? n : Unknown);
        w.WriteStartArray("labels");
        if (pod is null)
        {
            w.WriteStringValue("reserved:world");
        }
        else
        {
            foreach (var label in labels?.Invoke(pod) ?? [])
            {
                w.WriteStringValue("k8s:" + label);
            }

            w.WriteStringValue("k8s:io.kubernetes.pod.namespace=" + pod.Namespace);
        }

        w.WriteEndArray();
        w.WriteStartArray("workloads");
        if (pod is { WorkloadName.Length: > 0 })
        {
            w.WriteStartObject();
            w.WriteString("name", pod.WorkloadName);
            w.WriteString("kind", pod.WorkloadKind);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>"namespace/name" of a pod, or unknown.</summary>
    public static string PodName(PodInfo? pod) => pod is null ? Unknown : pod.Key;
}
