using System.Globalization;
using System.Net;

namespace Retina.Api.Capture;

/// <summary>One filter endpoint in Retina's syntax: <c>IP</c>, <c>IP:port</c>, <c>*:port</c>, <c>IP:*</c>, <c>[v6]:port</c>.</summary>
public sealed record CaptureEndpoint(IPAddress? Address, int? Port)
{
    public static bool TryParse(string text, out CaptureEndpoint endpoint, out string why)
    {
        endpoint = new CaptureEndpoint(null, null);
        string host = text;
        string? port = null;
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
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':'))
                {
                    why = "must be [IPv6]:port";
                    return false;
                }

                port = rest[1..];
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            port = text[(colon + 1)..];
        }

        IPAddress? address = null;
        if (host != "*" && !IPAddress.TryParse(host, out address))
        {
            why = $"is not IP, IP:port or *:port (\"{host}\" is not an IP address)";
            return false;
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
}
