using System.Net;
using System.Net.Sockets;
using Retina.NodeRuntime.Tests.Plugins;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>A DNS server in a test namespace that answers every query with SERVFAIL (as a resolver whose upstream failed).</summary>
internal sealed class ServfailServer : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly Task loop;

    private ServfailServer(Socket socket)
    {
        this.socket = socket;
        loop = Task.Run(ServeAsync);
    }

    public static async Task<ServfailServer> StartAsync(string ns, string address) => new(await NsUdp.BindAsync(ns, address, 53));

    private async Task ServeAsync()
    {
        var buf = new byte[1500];
        try
        {
            while (true)
            {
                var r = await socket.ReceiveFromAsync(buf, new IPEndPoint(IPAddress.Any, 0));
                if (r.ReceivedBytes < 12)
                {
                    continue;
                }

                buf[2] |= 0x80; // a response
                buf[3] = (byte)((buf[3] & 0xf0) | 2); // SERVFAIL
                await socket.SendToAsync(buf.AsMemory(0, r.ReceivedBytes), r.RemoteEndPoint);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed by DisposeAsync.
        }
    }

    public async ValueTask DisposeAsync()
    {
        socket.Dispose();
        await loop;
    }
}
