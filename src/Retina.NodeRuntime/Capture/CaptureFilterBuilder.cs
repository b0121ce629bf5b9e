using System.Net;
using Retina.Api.Capture;

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

        if (request.PodIPs.Count > 0 || request.PodEndpoints.Count > 0)
        {
            parts.Add(Any(request.PodIPs.Select(ip => $"host {Address(ip, "podIPs")}")
                .Concat(request.PodEndpoints.Select(e => Endpoint(e, "podEndpoints")))));
        }

        return string.Join(" and ", parts);
    }

    /// <summary>A Retina filter token as a libpcap primitive, by the same parser admission used (<see cref="CaptureEndpoint"/>).</summary>
    public static string Endpoint(string value, string field) =>
        CaptureEndpoint.TryTranslate(value, out var filter, out var why)
            ? filter
            : throw new CaptureFilterException($"{field}: \"{value}\" {why}");

    private static string Any(IEnumerable<string> primitives)
    {
        var list = primitives.Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 1 && !list[0].StartsWith('(') ? $"({list[0]})" : $"({string.Join(" or ", list)})";
    }

    private static string Address(string value, string field, string? shown = null) =>
        IPAddress.TryParse(value.Trim(), out var ip) && !value.Contains('/', StringComparison.Ordinal)
            ? ip.ToString()
            : throw new CaptureFilterException($"{field}: \"{shown ?? value}\" is not an IP address");
}
