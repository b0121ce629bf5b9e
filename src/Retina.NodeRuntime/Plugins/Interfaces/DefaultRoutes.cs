namespace Retina.NodeRuntime.Plugins.Interfaces;

/// <summary>Interfaces that carry a default route in the calling thread's namespace (/proc/thread-self/net/route, ipv6_route).</summary>
public static class DefaultRoutes
{
    public static HashSet<string> Interfaces()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/proc/thread-self/net/route").Skip(1))
            {
                var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (f.Length > 7 && f[1] == "00000000" && f[7] == "00000000")
                {
                    result.Add(f[0]);
                }
            }

            foreach (var line in File.ReadLines("/proc/thread-self/net/ipv6_route"))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length == 10 && f[0] == new string('0', 32) && f[1] == "00" && f[9] != "lo")
                {
                    result.Add(f[9]);
                }
            }
        }
        catch (IOException)
        {
            // no IPv4 or IPv6 routing table in this namespace
        }

        return result;
    }
}
