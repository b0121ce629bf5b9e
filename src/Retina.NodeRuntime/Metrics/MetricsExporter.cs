using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Retina.NodeRuntime.Metrics.Health;

namespace Retina.NodeRuntime.Metrics;

/// <summary>
/// Serves <see cref="NodeMetrics"/> on GET /metrics, and the probes /healthz and /readyz. A deliberately small HTTP/1.1 responder on a
/// TcpListener (one request per connection): a scrape endpoint needs nothing more, and it keeps
/// Kestrel's ~24 MiB out of a node agent's RSS.
/// </summary>
public sealed class MetricsExporter(NodeMetrics metrics, MetricsExporterOptions options) : IHostedService, IAsyncDisposable
{
    private const int MaxRequestBytes = 8192;
    private const int MaxConcurrentScrapes = 8;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim slots = new(MaxConcurrentScrapes);
    private TcpListener? listener;
    private CancellationTokenSource? stop;
    private Task? acceptLoop;

    /// <summary>The address actually bound, e.g. http://127.0.0.1:41234/ (after start).</summary>
    public Uri? BoundAddress { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = ParseEndpoint(options.Address);
        listener = new TcpListener(endpoint);
        listener.Start(64);
        var bound = (IPEndPoint)listener.LocalEndpoint;
        var host = bound.Address.Equals(IPAddress.Any) ? "127.0.0.1" : bound.Address.ToString();
        BoundAddress = new Uri($"{(options.Certificate is null ? "http" : "https")}://{(bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host)}:{bound.Port}/");
        stop = new CancellationTokenSource();
        acceptLoop = AcceptAsync(stop.Token);
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener!.AcceptTcpClientAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            catch (InvalidOperationException) when (ct.IsCancellationRequested)
            {
                // StopAsync stopped the listener between this loop's check of the token and its next accept ("Not listening").
                return;
            }

            if (!slots.Wait(0))
            {
                client.Dispose(); // too many scrapes at once: refuse rather than queue without bound
                continue;
            }

            _ = ServeAsync(client, ct);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using (client)
            {
                Stream stream = client.GetStream();
                if (options.Certificate is { } certificate)
                {
                    var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token);
                    stream = tls;
                }

                await using var owned = stream;
                var head = await ReadRequestHeadAsync(stream, timeout.Token);
                var request = head?.FirstOrDefault();
                var parts = request?.Split(' ');
                string status, contentType, body;
                ScrapeDecision? denied = null;
                if (parts is { Length: 3 } && parts[1].Split('?')[0] == options.Path && options.Authorizer is { } authorizer)
                {
                    var decision = await authorizer.AuthorizeAsync(BearerToken(head!), timeout.Token);
                    denied = decision.Status == 200 ? null : decision;
                }

                if (parts is not { Length: 3 } || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                {
                    (status, contentType, body) = ("400 Bad Request", "text/plain", "bad request\n");
                }
                else if (parts[0] != "GET" && parts[0] != "HEAD")
                {
                    (status, contentType, body) = ("405 Method Not Allowed", "text/plain", "method not allowed\n");
                }
                else if (parts[1].Split('?')[0] is "/healthz" or "/readyz" && Probe(parts[1].Split('?')[0]) is { } probe)
                {
                    (status, contentType, body) = (probe.Healthy ? "200 OK" : "503 Service Unavailable", "text/plain", probe.Message);
                }
                else if (parts[1].Split('?')[0] != options.Path)
                {
                    (status, contentType, body) = ("404 Not Found", "text/plain", "not found\n");
                }
                else if (denied is { } no)
                {
                    (status, contentType, body) = (no.Status == 401 ? "401 Unauthorized" : "403 Forbidden", "text/plain", no.Reason + "\n");
                }
                else
                {
                    (status, contentType, body) = ("200 OK", "text/plain; version=0.0.4; charset=utf-8", await metrics.ScrapeAsync(timeout.Token));
                }

                var payload = Encoding.UTF8.GetBytes(body);
                var challenge = status.StartsWith("401", StringComparison.Ordinal) ? "WWW-Authenticate: Bearer\r\n" : "";
                var response = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\n{challenge}Connection: close\r\n\r\n");
                await stream.WriteAsync(response, timeout.Token);
                if (parts is not { Length: 3 } || parts[0] != "HEAD")
                {
                    await stream.WriteAsync(payload, timeout.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException or Retina.Kube.Client.KubeApiException)
        {
            // the scraper went away or was too slow: nothing to tell it
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The probe's answer (always open: probes carry no token, and the answers hold no metric data).</summary>
    private ProbeAnswer Probe(string path) =>
        (path == "/healthz" ? options.Liveness : options.Readiness)?.Invoke() ?? ProbeAnswer.Ok("ok\n");

    /// <summary>Reads the request head (bounded) and returns its lines, or null when malformed.</summary>
    private static async Task<string[]?> ReadRequestHeadAsync(Stream stream, CancellationToken ct)
    {
        var buf = new byte[MaxRequestBytes];
        var n = 0;
        while (n < buf.Length)
        {
            var read = await stream.ReadAsync(buf.AsMemory(n), ct);
            if (read == 0)
            {
                break;
            }

            n += read;
            if (buf.AsSpan(0, n).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var end = buf.AsSpan(0, n).IndexOf("\r\n\r\n"u8);
        var text = Encoding.ASCII.GetString(buf, 0, end >= 0 ? end : n);
        var lines = text.Split("\r\n");
        return lines[0].Length == 0 || (end < 0 && !text.Contains("\r\n", StringComparison.Ordinal)) ? null : lines;
    }

    private static string? BearerToken(string[] head)
    {
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim().Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                var value = line[(colon + 1)..].Trim();
                return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;
            }
        }

        return null;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (stop is null)
        {
            return;
        }

        await stop.CancelAsync();
        listener?.Stop();
        if (acceptLoop is not null)
        {
            await acceptLoop;
        }

        stop.Dispose();
        stop = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        listener?.Dispose();
    }

    /// <summary>Parses ":port", "host:port" and "[v6]:port".</summary>
    public static IPEndPoint ParseEndpoint(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            throw new FormatException($"metrics address '{address}' must look like ':10093' or '127.0.0.1:10093'");
        }

        var host = address[..colon].Trim('[', ']');
        var ip = host.Length == 0 ? IPAddress.Any : IPAddress.Parse(host);
        return new IPEndPoint(ip, port);
    }
}
