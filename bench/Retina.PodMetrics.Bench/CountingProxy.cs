using System.Net;
using System.Net.Sockets;

namespace Retina.PodMetrics.Bench;

/// <summary>
/// A TCP relay in front of the API server that counts the bytes the server sends to its clients (HTTP headers and
/// chunk framing included): what a node receives from its lists and watches.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint upstream;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private long received;

    private CountingProxy(IPEndPoint upstream)
    {
        this.upstream = upstream;
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Where clients connect instead of the server.</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    /// <summary>Bytes sent by the server since the last <see cref="Reset"/>.</summary>
    public long Received => Interlocked.Read(ref received);

    public static CountingProxy Start(Uri server) => new(new IPEndPoint(IPAddress.Loopback, server.Port));

    public void Reset() => Interlocked.Exchange(ref received, 0);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var c = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(upstream, stop.Token);
            var up = Copy(c.GetStream(), server.GetStream(), count: false);
            var down = Copy(server.GetStream(), c.GetStream(), count: true);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    private async Task Copy(NetworkStream from, NetworkStream to, bool count)
    {
        var buf = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buf, stop.Token)) > 0)
            {
                if (count)
                {
                    Interlocked.Add(ref received, n);
                }

                await to.WriteAsync(buf.AsMemory(0, n), stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
