using System.Net;
using System.Net.Sockets;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

/// <summary>A tiny DNS client for tests that talk to a real dnsmasq.</summary>
internal static class DnsQueries
{
    /// <summary>Sends one A query and returns the rcode of the answer, or -1 on timeout.</summary>
    public static int Ask(Socket s, IPEndPoint server, string name, ushort id)
    {
        s.SendTo(DnsParserTests.Query(name, 1, id), server);
        var buf = new byte[1500];
        s.ReceiveTimeout = 1000;
        try
        {
            while (true)
            {
                var n = s.Receive(buf);
                if (n >= 12 && ((buf[0] << 8) | buf[1]) == id)
                {
                    return buf[3] & 0x0f;
                }
            }
        }
        catch (SocketException)
        {
            return -1;
        }
    }
}
