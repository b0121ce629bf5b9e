using System.Globalization;

namespace Retina.NodeRuntime.Plugins.LinuxUtil;

/// <summary>Parsers for /proc/net files (snmp, netstat, dev, tcp). Pure functions over text.</summary>
public static class ProcNet
{
    /// <summary>snmp and netstat: pairs of "Proto: names…" / "Proto: values…" lines.</summary>
    public static Dictionary<string, Dictionary<string, long>> ParseKeyValuePairs(string text)
    {
        var result = new Dictionary<string, Dictionary<string, long>>();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (names.Length != values.Length || names.Length == 0 || names[0] != values[0])
            {
                continue;
            }

            var proto = names[0].TrimEnd(':');
            var d = result.TryGetValue(proto, out var existing) ? existing : result[proto] = [];
            for (var j = 1; j < names.Length; j++)
            {
                if (long.TryParse(values[j], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                {
                    d[names[j]] = v;
                }
            }
        }

        return result;
    }

    // The kernel's own names for these counters (struct rtnl_link_stats64), which Retina's dashboards query (rx_dropped, tx_dropped).
    private static readonly string[] DevFields =
    [
        "rx_bytes", "rx_packets", "rx_errors", "rx_dropped", "rx_fifo_errors", "rx_frame_errors", "rx_compressed", "multicast",
        "tx_bytes", "tx_packets", "tx_errors", "tx_dropped", "tx_fifo_errors", "collisions", "tx_carrier_errors", "tx_compressed",
    ];

    /// <summary>True for the statistic names /proc/net/dev gives (a driver key of the same name is not exported over it).</summary>
    public static bool IsDevField(string name) => DevFields.Contains(name);

    /// <summary>/proc/net/dev: interface → statistic → value.</summary>
    public static Dictionary<string, Dictionary<string, long>> ParseDev(string text)
    {
        var result = new Dictionary<string, Dictionary<string, long>>();
        foreach (var line in text.Split('\n').Skip(2))
        {
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var values = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var d = new Dictionary<string, long>();
            for (var i = 0; i < Math.Min(values.Length, DevFields.Length); i++)
            {
                if (long.TryParse(values[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                {
                    d[DevFields[i]] = v;
                }
            }

            result[name] = d;
        }

        return result;
    }

    private static readonly string[] TcpStates =
        ["UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"];

    public static string TcpStateName(int st) => st >= 0 && st < TcpStates.Length ? TcpStates[st] : "UNKNOWN";

    /// <summary>/proc/net/tcp and tcp6: (state, remote address, remote port) per socket.</summary>
    public static IEnumerable<(string State, string RemoteAddress, int RemotePort)> ParseTcpSockets(string text)
    {
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || !int.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var st))
            {
                continue;
            }

            var remote = f[2].Split(':');
            var port = remote.Length == 2 && int.TryParse(remote[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var p) ? p : 0;
            yield return (TcpStateName(st), HexAddress(remote[0]), port);
        }
    }

    /// <summary>Kernel hex addresses are 32-bit words in host (little-endian) order.</summary>
    private static string HexAddress(string hex)
    {
        if (hex.Length is not (8 or 32))
        {
            return "";
        }

        var bytes = new byte[hex.Length / 2];
        for (var w = 0; w < hex.Length / 8; w++)
        {
            var word = uint.Parse(hex.AsSpan(w * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BitConverter.TryWriteBytes(bytes.AsSpan(w * 4, 4), word);
        }

        return new System.Net.IPAddress(bytes).ToString();
    }
}
