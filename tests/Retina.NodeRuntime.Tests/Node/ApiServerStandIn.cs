using System.Net.Sockets;
using System.Text;
using Retina.NodeRuntime.Tests.Plugins;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>An "API server" in the remote node's namespace: answers every request with a small HTTP 200, as /livez would.</summary>
public sealed class ApiServerStandIn : IAsyncDisposable
{
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    private readonly Socket listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private ApiServerStandIn(Socket listener)
    {
        this.listener = listener;
        loop = Task.Run(ServeAsync);
    }

    public static async Task<ApiServerStandIn> StartAsync(string ns, string address, int port) =>
        new(await NsTcp.ListenAsync(ns, address, port));

    private async Task ServeAsync()
    {
        var buf = new byte[4096];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var s = await listener.AcceptAsync(stop.Token);
                if (await s.ReceiveAsync(buf, SocketFlags.None, stop.Token) > 0)
                {
                    await s.SendAsync(Answer, SocketFlags.None, stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopping, or a probe that went away
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Dispose();
        await loop;
        stop.Dispose();
    }
}
