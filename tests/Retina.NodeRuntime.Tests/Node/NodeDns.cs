using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.NodeRuntime.Tests.Plugins.Dns;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>DNS questions from inside a pod's namespace, over UDP or TCP, returning the answer's rcode (-1: no answer).</summary>
internal static class NodeDns
{
    public static async Task<int> AskTcpAsync(string ns, string server, string name, ushort type, ushort id)
    {
        using var s = await NsTcp.CreateAsync(ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await s.ConnectAsync(new IPEndPoint(IPAddress.Parse(server), 53), cts.Token);
        var q = DnsParserTests.Query(name, type, id);
        var framed = new byte[q.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)q.Length);
        q.CopyTo(framed, 2);
        await s.SendAsync(framed, SocketFlags.None, cts.Token);
        var buf = new byte[2048];
        var got = 0;
        while (got < 2 + 12)
        {
            var n = await s.ReceiveAsync(buf.AsMemory(got), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                return -1;
            }

            got += n;
        }

        return buf[2 + 3] & 0x0f;
    }

    /// <summary>One UDP question of <paramref name="type"/> (1 = A, 28 = AAAA).</summary>
    public static int AskUdp(Socket s, string server, string name, ushort type, ushort id)
    {
        s.SendTo(DnsParserTests.Query(name, type, id), new IPEndPoint(IPAddress.Parse(server), 53));
        var buf = new byte[1500];
        s.ReceiveTimeout = 1000;
        try
        {
            while (true)
            {
                var n = s.Receive(buf);
                if (n >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buf) == id)
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
