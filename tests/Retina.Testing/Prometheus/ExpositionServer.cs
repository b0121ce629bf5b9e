using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Retina.Testing.Prometheus;

/// <summary>
/// Serves a Prometheus exposition text on GET /metrics from a free loopback port: a stand-in exporter, so a test can
/// put exactly the series it wants in front of a real Prometheus. The text comes from a function called per scrape, so
/// a test can also serve counters that grow.
/// </summary>
public sealed class ExpositionServer : IAsyncDisposable
{
    private readonly Func<string> text;
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;
    private int scrapes;

    private ExpositionServer(Func<string> text)
    {
        this.text = text;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        MetricsUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/metrics");
        acceptLoop = AcceptAsync(stop.Token);
    }

    /// <summary>The URL to scrape, e.g. http://127.0.0.1:41234/metrics.</summary>
    public Uri MetricsUrl { get; }

    /// <summary>How many times /metrics has been served.</summary>
    public int Scrapes => Volatile.Read(ref scrapes);

    public static ExpositionServer Start(string text) => new(() => text);

    public static ExpositionServer Start(Func<string> text) => new(text);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        listener.Dispose();
        stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client, ct);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var head = new byte[8192];
                var n = 0;
                while (n < head.Length && head.AsSpan(0, n).IndexOf("\r\n\r\n"u8) < 0)
                {
                    var read = await stream.ReadAsync(head.AsMemory(n), ct);
                    if (read == 0)
                    {
                        break;
                    }

                    n += read;
                }

                var line = Encoding.ASCII.GetString(head, 0, Math.Max(0, head.AsSpan(0, n).IndexOf("\r\n"u8)));
                var parts = line.Split(' ');
                var ok = parts.Length == 3 && parts[0] == "GET" && parts[1].Split('?')[0] == "/metrics";
                if (ok)
                {
                    Interlocked.Increment(ref scrapes);
                }

                var body = Encoding.UTF8.GetBytes(ok ? text() : "not found\n");
                var status = ok ? "200 OK" : "404 Not Found";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), ct);
                await stream.WriteAsync(body, ct);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the scraper went away: nothing to answer
        }
    }
}
