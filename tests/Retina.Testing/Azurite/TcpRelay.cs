using System.Net;
using System.Net.Sockets;

namespace Retina.Testing.Azurite;

/// <summary>
/// A loopback TCP relay in front of a server, counting the bytes clients send, so a test can act at an exact point of an
/// upload (e.g. stop the server when half of the body has gone through).
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly int targetPort;
    private readonly Task accepting;
    private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long clientBytes;
    private long holdAfter = long.MaxValue;
    private int responsesToCut;

    public TcpRelay(int targetPort)
    {
        this.targetPort = targetPort;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Bytes clients have sent through the relay so far.</summary>
    public long ClientBytes => Interlocked.Read(ref clientBytes);

    /// <summary>Completes when client traffic reached the <see cref="HoldAfter"/> mark and is being held there.</summary>
    public Task Held => held.Task;

    /// <summary>Once clients have sent <paramref name="bytes"/>, stop forwarding their data until <see cref="Release"/>.</summary>
    public void HoldAfter(long bytes) => Interlocked.Exchange(ref holdAfter, bytes);

    public void Release() => released.TrySetResult();

    /// <summary>Drops the connection instead of forwarding the server's next response: the request succeeded, the client never hears it.</summary>
    public void CutNextResponse() => Interlocked.Exchange(ref responsesToCut, 1);

    /// <summary>Responses cut so far.</summary>
    public int ResponsesCut { get; private set; }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, targetPort, stop.Token);
                var up = PumpAsync(client.GetStream(), server.GetStream(), count: true);
                var down = PumpAsync(server.GetStream(), client.GetStream(), count: false);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The server went away: the client sees its connection drop, which is the point.
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, stop.Token)) > 0)
            {
                var mark = Interlocked.Read(ref holdAfter);
                if (count && !released.Task.IsCompleted && ClientBytes + n >= mark)
                {
                    var first = (int)Math.Max(0, mark - ClientBytes);
                    await to.WriteAsync(buffer.AsMemory(0, first), stop.Token);
                    Interlocked.Add(ref clientBytes, first);
                    held.TrySetResult();
                    await released.Task.WaitAsync(stop.Token);
                    await to.WriteAsync(buffer.AsMemory(first, n - first), stop.Token);
                    Interlocked.Add(ref clientBytes, n - first);
                    continue;
                }

                if (!count && Interlocked.CompareExchange(ref responsesToCut, 0, 1) == 1)
                {
                    ResponsesCut++;
                    return; // closing both sides
                }

                await to.WriteAsync(buffer.AsMemory(0, n), stop.Token);
                if (count)
                {
                    Interlocked.Add(ref clientBytes, n);
                }
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
