using System.Net;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Enrichment;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// What one trace keeps of the node's events: its kinds, its pods' addresses (or the whole node), and its optional
/// filters (an event matches when it matches every list that is set, and any entry within a list). The pods' addresses
/// change while the trace runs (<see cref="SetPods"/>: pods that start later join, pods that went leave); the set is
/// swapped whole, so a reader on the kernel pump's task sees the old set or the new one, never half of each.
/// </summary>
public sealed class TraceFilter
{
    private readonly HashSet<string> kinds;
    private volatile HashSet<IpKey> pods;
    private readonly bool wholeNode;
    private readonly List<(UInt128 Network, UInt128 Mask)> networks = [];
    private readonly HashSet<int>? ports;
    private readonly HashSet<string>? protocols;

    /// <summary>Builds the filter; <paramref name="problem"/> names the first entry that does not parse.</summary>
    public TraceFilter(IEnumerable<string>? events, IEnumerable<string>? podIps, bool wholeNode, TraceFilters? filters, out string? problem)
    {
        problem = null;
        kinds = new HashSet<string>(events is null || !events.Any() ? TraceEventKinds.All : events, StringComparer.Ordinal);
        pods = Parse(podIps, ref problem);

        this.wholeNode = wholeNode;
        foreach (var entry in filters?.Ips ?? [])
        {
            if (TryNetwork(entry, out var n))
            {
                networks.Add(n);
            }
            else
            {
                problem ??= $"filters.ips: '{entry}' is not an address or CIDR";
            }
        }

        ports = filters?.Ports is { Count: > 0 } p ? [.. p] : null;
        protocols = filters?.Protocols is { Count: > 0 } pr ? new HashSet<string>(pr, StringComparer.OrdinalIgnoreCase) : null;
    }

    public IReadOnlySet<IpKey> PodAddresses => pods;

    /// <summary>The controller's current addresses for the traced pods; whether they differ from the ones held (an unparsable entry is skipped: the controller wrote it from a pod's status).</summary>
    public bool SetPods(IEnumerable<string>? podIps)
    {
        string? problem = null;
        var next = Parse(podIps, ref problem);
        if (next.SetEquals(pods))
        {
            return false;
        }

        pods = next;
        return true;
    }

    private static HashSet<IpKey> Parse(IEnumerable<string>? podIps, ref string? problem)
    {
        var set = new HashSet<IpKey>();
        foreach (var ip in podIps ?? [])
        {
            if (IpKey.TryParse(ip, out var k))
            {
                set.Add(k);
            }
            else
            {
                problem ??= $"podIPs: '{ip}' is not an IP address";
            }
        }

        return set;
    }

    public bool WholeNode => wholeNode;

    public bool Matches(TraceRecord r)
    {
        if (!kinds.Contains(r.Kind))
        {
            return false;
        }

        var traced = pods;
        if (!wholeNode && !traced.Contains(r.Source) && !traced.Contains(r.Destination))
        {
            return false;
        }

        if (networks.Count > 0 && !networks.Any(n => In(n, r.Source) || In(n, r.Destination)))
        {
            return false;
        }

        if (ports is not null && !ports.Contains(r.SourcePort) && !ports.Contains(r.DestinationPort))
        {
            return false;
        }

        return protocols is null || protocols.Contains(r.ProtocolName);
    }

    /// <summary>
    /// Whether a record the writer had no room for may have been this trace's: one of its kinds, one of its pods (or
    /// the whole node), in its networks. Ports and protocols are not read from such a record, so it errs towards
    /// counting the loss.
    /// </summary>
    public bool MayMatch(IReadOnlyList<string> possibleKinds, IpKey source, IpKey destination) =>
        possibleKinds.Any(kinds.Contains)
        && (wholeNode || pods is var traced && (traced.Contains(source) || traced.Contains(destination)))
        && (networks.Count == 0 || networks.Any(n => In(n, source) || In(n, destination)));

    private static bool In((UInt128 Network, UInt128 Mask) n, IpKey ip) => (ip.Value & n.Mask) == n.Network;

    private static bool TryNetwork(string text, out (UInt128, UInt128) network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addr = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addr, out var ip))
        {
            return false;
        }

        var key = IpKey.From(ip);
        var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var bits = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out bits) || bits < 0 || bits > max))
        {
            return false;
        }

        // IPv4 is held IPv4-mapped: its prefix counts from bit 96.
        var total = bits + (128 - max);
        var mask = total == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - total);
        network = (key.Value & mask, mask);
        return true;
    }
}
