using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Retina.Api.Capture;

/// <summary>
/// One filter token of <c>filters.include</c>/<c>exclude</c>, read as Retina reads it: <c>IP</c>, <c>IP:port</c>,
/// <c>*:port</c>, <c>IP:*</c> (the IP alone), and a token without <c>:</c> or <c>.</c> is a port (<c>80</c>); ours adds
/// IPv6 as <c>[v6]:port</c>, <c>[v6]:*</c>, <c>[v6]</c> or a bare v6 address. The one parser behind both admission and the
/// node's filter: a token admission accepts always builds on the node.
/// </summary>
public sealed record CaptureEndpoint(IPAddress? Address, int? Port)
{
    /// <summary>The libpcap primitive, parenthesised as Retina writes it: <c>(host A)</c>, <c>(port P)</c>, <c>(host A and port P)</c>.</summary>
    public string ToFilter() => (Address, Port) switch
    {
        ({ } a, { } p) => $"(host {a} and port {p})",
        ({ } a, null) => $"(host {a})",
        (null, { } p) => $"(port {p})",
        _ => throw new InvalidOperationException("an endpoint has an address, a port or both"),
    };

    /// <summary>Parses and translates a token in one step; <paramref name="why"/> says what is wrong, for a field message.</summary>
    public static bool TryTranslate(string text, out string filter, out string why)
    {
        filter = "";
        if (!TryParse(text, out var endpoint, out why))
        {
            return false;
        }

        filter = endpoint.ToFilter();
        return true;
    }

    public static bool TryParse(string text, out CaptureEndpoint endpoint, out string why)
    {
        endpoint = new CaptureEndpoint(null, null);
        text = text.Trim();
        if (!Split(text, out var host, out var port, out why))
        {
            return false;
        }

        IPAddress? address = null;
        if (host is not null && host != "*")
        {
            if (host.Contains('/', StringComparison.Ordinal) || !IPAddress.TryParse(host, out address) ||
                address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) ||
                (address.AddressFamily == AddressFamily.InterNetwork && host.Count(c => c == '.') != 3))
            {
                why = $"is not IP, IP:port, *:port, IP:* or a port (\"{host}\" is not an IP address)";
                return false;
            }
        }

        int? portNumber = null;
        if (port is not null && port != "*")
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
            {
                why = $"has port \"{port}\": must be 1-65535 or *";
                return false;
            }

            portNumber = n;
        }

        if (address is null && portNumber is null)
        {
            why = "matches everything: give an IP, a port, or both";
            return false;
        }

        endpoint = new CaptureEndpoint(address, portNumber);
        why = "";
        return true;
    }

    /// <summary>Host and port text of a token, by Retina's rule: split at the one ':'; without ':', a '.' makes it an address, else a port.</summary>
    private static bool Split(string text, out string? host, out string? port, out string why)
    {
        host = null;
        port = null;
        why = "";
        if (text.Length == 0)
        {
            why = "is empty";
            return false;
        }

        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                why = "has '[' without ']'";
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0 && !rest.StartsWith(':'))
            {
                why = "must be [IPv6]:port";
                return false;
            }

            port = rest.Length > 0 ? rest[1..] : null;
            if (host.Length == 0 || !host.Contains(':', StringComparison.Ordinal))
            {
                why = $"has \"[{host}]\": brackets hold an IPv6 address";
                return false;
            }

            return true;
        }

        var colons = text.Count(c => c == ':');
        if (colons > 1)
        {
            // Only an IPv6 address has several colons; with a port it must be written [v6]:port.
            host = text;
            return true;
        }

        if (colons == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            port = text[(colon + 1)..];
            if (host.Length == 0 || port.Length == 0)
            {
                why = "must be IP:port, *:port or IP:* (one side is empty)";
                return false;
            }

            return true;
        }

        if (text.Contains('.', StringComparison.Ordinal))
        {
            host = text;
        }
        else
        {
            port = text;
        }

        return true;
    }
}
