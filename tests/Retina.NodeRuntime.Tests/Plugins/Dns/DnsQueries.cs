using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

/// <summary>A tiny DNS client for tests that talk to a real dnsmasq, over UDP or TCP, IPv4 or IPv6.</summary>
internal static class DnsQueries
{
    /// <summary>A UDP socket bound in namespace <paramref name="ns"/>, of the address's family.</summary>
    public static async Task<Socket> BindUdpAsync(string ns, string address, int port)
    {
        var ip = IPAddress.Parse(address);
        return await NetnsThread.RunOnceAsync(ns, () =>
        {
            var s = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(ip, port));
            return s;
        });
    }

    /// <summary>Sends one query over UDP and returns the rcode of the answer, or -1 on timeout.</summary>
    public static int Ask(Socket s, IPEndPoint server, string name, ushort id, ushort type = 1)
    {
        s.SendTo(DnsParserTests.Query(name, type, id), server);
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

    /// <summary>
    /// Connects from namespace <paramref name="ns"/> (from <paramref name="local"/> when given), sends one
    /// length-prefixed query in one segment, reads the answer and closes; returns its rcode.
    /// </summary>
    public static async Task<int> AskTcpAsync(string ns, IPEndPoint? local, IPEndPoint server, string name, ushort id, ushort type = 1)
    {
        using var s = await NetnsThread.RunOnceAsync(ns, () =>
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (local is not null)
            {
                socket.Bind(local);
            }

            return socket;
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await s.ConnectAsync(server, timeout.Token);
        var query = DnsParserTests.Query(name, type, id);
        var framed = new byte[query.Length + 2];
        framed[0] = (byte)(query.Length >> 8);
        framed[1] = (byte)query.Length;
        query.CopyTo(framed, 2);
        await s.SendAsync(framed, SocketFlags.None, timeout.Token);
        var length = new byte[2];
        await ReceiveExactlyAsync(s, length, timeout.Token);
        var answer = new byte[(length[0] << 8) | length[1]];
        await ReceiveExactlyAsync(s, answer, timeout.Token);
        answer.Length.ShouldBeGreaterThanOrEqualTo(12);
        ((answer[0] << 8) | answer[1]).ShouldBe(id);
        return answer[3] & 0x0f;
    }

    private static async Task ReceiveExactlyAsync(Socket s, Memory<byte> into, CancellationToken ct)
    {
        while (into.Length > 0)
        {
            var n = await s.ReceiveAsync(into, SocketFlags.None, ct);
            if (n == 0)
            {
                throw new IOException("the DNS server closed the connection before answering");
            }

            into = into[n..];
        }
    }
}
