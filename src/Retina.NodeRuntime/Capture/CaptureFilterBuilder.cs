using System.Globalization;
using System.Net;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Builds one libpcap expression from a request: every present part is parenthesised and AND-ed —
/// <c>(pcapFilter) and (src host …) and (dst host …) and (inc1 or inc2) and not (exc1 or exc2) and (host pod1 or …)</c>.
/// Addresses and ports are parsed and re-printed, so nothing but the user's own pcapFilter reaches libpcap verbatim.
/// </summary>
public static class CaptureFilterBuilder
{
    public static string Build(CaptureRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(request.PcapFilter))
        {
            parts.Add($"({request.PcapFilter.Trim()})");
        }

        if (request.SourceIPs.Count > 0)
        {
            parts.Add(Any(request.SourceIPs.Select(ip => $"src host {Address(ip, "sourceIPs")}")));
        }

        if (request.DestinationIPs.Count > 0)
        {
            parts.Add(Any(request.DestinationIPs.Select(ip => $"dst host {Address(ip, "destinationIPs")}")));
        }

        if (request.IncludeFilters.Count > 0)
        {
            parts.Add(Any(request.IncludeFilters.Select(f => Endpoint(f, "filters.include"))));
        }

        if (request.ExcludeFilters.Count > 0)
        {
            parts.Add("not " + Any(request.ExcludeFilters.Select(f => Endpoint(f, "filters.exclude"))));
        }

        if (request.PodIPs.Count > 0)
        {
            parts.Add(Any(request.PodIPs.Select(ip => $"host {Address(ip, "podIPs")}")));
        }

        return string.Join(" and ", parts);
    }

    /// <summary>Turns <c>IP</c>, <c>IP:port</c>, <c>[IPv6]:port</c> or <c>*:port</c> into a libpcap primitive.</summary>
    public static string Endpoint(string value, string field)
    {
        var text = value.Trim();
        // .NET also parses "[v6]:port" and ignores the port, so brackets go to the IP:port path.
        if (!text.StartsWith('[') && IPAddress.TryParse(text, out var bare))
        {
            return $"host {bare}";
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new CaptureFilterException($"{field}: \"{value}\" is not IP, IP:port or *:port");
        }

        var host = text[..colon];
        var port = Port(text[(colon + 1)..], value, field);
        if (host == "*")
        {
            return $"port {port}";
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return $"(host {Address(host, field, value)} and port {port})";
    }

    private static string Any(IEnumerable<string> primitives)
    {
        var list = primitives.ToList();
        return list.Count == 1 && !list[0].StartsWith('(') ? $"({list[0]})" : $"({string.Join(" or ", list)})";
    }

    private static string Address(string value, string field, string? shown = null) =>
        IPAddress.TryParse(value.Trim(), out var ip) && !value.Contains('/', StringComparison.Ordinal)
            ? ip.ToString()
            : throw new CaptureFilterException($"{field}: \"{shown ?? value}\" is not an IP address");

    private static int Port(string text, string value, string field) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new CaptureFilterException($"{field}: \"{value}\" has no valid port (0-65535)");
}
