using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Tests.Plugins;

/// <summary>UDP sockets created inside a test namespace (a socket stays in the namespace it was created in).</summary>
public static class NsUdp
{
    public static async Task<Socket> BindAsync(string ns, string address, int port)
    {
        using var t = NetnsThread.Start(ns);
        return await t.RunAsync(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            return s;
        });
    }

    /// <summary>Sends <paramref name="count"/> datagrams of <paramref name="payload"/> bytes (22 bytes make a 64-byte frame).</summary>
    public static void Send(Socket from, string toAddress, int toPort, int count, int payload = 22)
    {
        var data = new byte[payload];
        var to = new IPEndPoint(IPAddress.Parse(toAddress), toPort);
        for (var i = 0; i < count; i++)
        {
            from.SendTo(data, to);
        }
    }

    /// <summary>Receives until <paramref name="count"/> datagrams arrived (or times out).</summary>
    public static int Drain(Socket s, int count, TimeSpan timeout)
    {
        var buf = new byte[2048];
        var got = 0;
        s.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        try
        {
            while (got < count)
            {
                s.Receive(buf);
                got++;
            }
        }
        catch (SocketException)
        {
        }

        return got;
    }
}
