using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Plugins.ApiServerLatency;

/// <summary>How one probe ended.</summary>
public enum ApiServerProbeOutcome
{
    /// <summary>Connected, and the server sent bytes back within the timeout.</summary>
    Answered,

    /// <summary>The connect got no answer within the timeout (e.g. SYNs dropped).</summary>
    ConnectTimedOut,

    /// <summary>The connect was answered with a refusal or an unreachable error.</summary>
    ConnectFailed,

    /// <summary>Connected, but the request got no bytes back within the timeout.</summary>
    RequestTimedOut,

    /// <summary>Connected, but the server closed or reset the connection before sending anything.</summary>
    RequestFailed,

    /// <summary>The plugin stopped while the probe ran; nothing is recorded.</summary>
    Cancelled,
}

/// <summary>The result of one probe; times in milliseconds, null where that step did not complete.</summary>
public readonly record struct ApiServerProbeResult(ApiServerProbeOutcome Outcome, double? HandshakeMs, double? ResponseMs);

/// <summary>
/// One probe of one endpoint: a TCP connect (the handshake time), then a small request (a TLS ClientHello or
/// an HTTP GET) and the time to the first bytes of the answer. The socket is created on the node's namespace
/// thread, so it connects from that namespace.
/// </summary>
public static class ApiServerProbe
{
    public static async Task<ApiServerProbeResult> RunAsync(NetnsThread netns, IPEndPoint endpoint, ProbeRequest request, TimeSpan timeout, CancellationToken ct)
    {
        using var socket = await netns.RunAsync(() => new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }).ConfigureAwait(false);

        var start = Stopwatch.GetTimestamp();
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            connectTimeout.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(endpoint, connectTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return new ApiServerProbeResult(ct.IsCancellationRequested ? ApiServerProbeOutcome.Cancelled : ApiServerProbeOutcome.ConnectTimedOut, null, null);
            }
            catch (SocketException)
            {
                return new ApiServerProbeResult(ApiServerProbeOutcome.ConnectFailed, null, null);
            }
        }

        var handshakeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var payload = request == ProbeRequest.Tls ? TlsClientHello.Build() : HttpRequest(endpoint);
        var buffer = new byte[1];
        using var requestTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        requestTimeout.CancelAfter(timeout);
        try
        {
            var sent = Stopwatch.GetTimestamp();
            await socket.SendAsync(payload, SocketFlags.None, requestTimeout.Token).ConfigureAwait(false);
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, requestTimeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return new ApiServerProbeResult(ApiServerProbeOutcome.RequestFailed, handshakeMs, null);
            }

            return new ApiServerProbeResult(ApiServerProbeOutcome.Answered, handshakeMs, Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }
        catch (OperationCanceledException)
        {
            return new ApiServerProbeResult(ct.IsCancellationRequested ? ApiServerProbeOutcome.Cancelled : ApiServerProbeOutcome.RequestTimedOut, handshakeMs, null);
        }
        catch (SocketException)
        {
            return new ApiServerProbeResult(ApiServerProbeOutcome.RequestFailed, handshakeMs, null);
        }
    }

    /// <summary>An unauthenticated GET of /livez, which API servers allow anonymous callers to read.</summary>
    private static byte[] HttpRequest(IPEndPoint endpoint) =>
        Encoding.ASCII.GetBytes($"GET /livez HTTP/1.1\r\nHost: {endpoint}\r\nUser-Agent: retina-apiserverlatency\r\nConnection: close\r\n\r\n");
}
