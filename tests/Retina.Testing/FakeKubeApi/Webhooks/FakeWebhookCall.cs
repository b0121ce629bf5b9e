using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi.Webhooks;

/// <summary>
/// POSTs one AdmissionReview to one webhook as the API server does: to <c>clientConfig.url</c>, or to
/// <c>clientConfig.service</c> (https://name.namespace.svc:port/path, connected to the loopback address the test mapped
/// it to, the certificate checked against that host name), trusting only <c>caBundle</c>, within
/// <c>timeoutSeconds</c> (default 10). Every failure is the "failed calling webhook" error the server reports.
/// </summary>
internal static class FakeWebhookCall
{
    private const int MaxResponseBytes = 3 * 1024 * 1024;

    public static async Task<JsonObject> PostAsync(JsonObject webhook, JsonObject review, FakeKubeApiOptions options, CancellationToken ct)
    {
        var name = (string?)webhook["name"] ?? "";
        var config = webhook["clientConfig"] as JsonObject ?? throw Failed(name, "webhook has no clientConfig");
        var (uri, connectTo) = Target(name, config, options);
        var trusted = TrustedRoots(name, config);
        var timeout = TimeSpan.FromSeconds(Number(webhook["timeoutSeconds"]) ?? 10);
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) => Verify(cert, errors, trusted),
            },
        };
        if (connectTo is not null)
        {
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(connectTo, token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        string body;
        try
        {
            using var content = new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(uri, content, deadline.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failed(name, $"failed to call webhook: the server responded with the status code {(int)response.StatusCode}");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Failed(name, $"failed to call webhook: Post \"{uri}?timeout={timeout.TotalSeconds:0}s\": context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw Failed(name, $"failed to call webhook: Post \"{uri}?timeout={timeout.TotalSeconds:0}s\": {Describe(e)}");
        }

        if (body.Length > MaxResponseBytes)
        {
            throw Failed(name, "received invalid webhook response: response too large");
        }

        JsonObject? response2;
        try
        {
            response2 = JsonNode.Parse(body)?["response"] as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Failed(name, "received invalid webhook response: " + e.Message);
        }

        if (response2 is null)
        {
            throw Failed(name, "received invalid webhook response: response was absent");
        }

        var expected = (string?)review["request"]?["uid"];
        var got = (string?)response2["uid"];
        if (got != expected)
        {
            throw Failed(name, $"received invalid webhook response: expected response.uid=\"{expected}\", got \"{got}\"");
        }

        return response2;
    }

    /// <summary>The error a real server answers when a webhook with failurePolicy Fail could not be called.</summary>
    public static KubeApiException Failed(string webhook, string why) =>
        new(HttpStatusCode.InternalServerError, "InternalError", $"Internal error occurred: failed calling webhook \"{webhook}\": {why}");

    private static (Uri Uri, EndPoint? ConnectTo) Target(string name, JsonObject config, FakeKubeApiOptions options)
    {
        if ((string?)config["url"] is { } url)
        {
            return Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == "https"
                ? (u, null)
                : throw Failed(name, $"clientConfig.url \"{url}\" must be an https URL");
        }

        var service = config["service"] as JsonObject ?? throw Failed(name, "clientConfig needs url or service");
        var ns = (string?)service["namespace"] ?? "";
        var svc = (string?)service["name"] ?? "";
        var port = Number(service["port"]) ?? 443;
        var path = (string?)service["path"] ?? "/";
        if (!options.WebhookServices.TryGetValue((ns, svc, port), out var endpoint))
        {
            throw Failed(name, $"failed to call webhook: Post \"https://{svc}.{ns}.svc:{port}{path}\": service \"{ns}/{svc}\" port {port} has no endpoints (map it in FakeKubeApiOptions.WebhookServices)");
        }

        return (new Uri($"https://{svc}.{ns}.svc:{port}{path}"), endpoint);
    }

    private static X509Certificate2Collection TrustedRoots(string name, JsonObject config)
    {
        var roots = new X509Certificate2Collection();
        if ((string?)config["caBundle"] is not { Length: > 0 } bundle)
        {
            return roots;
        }

        try
        {
            roots.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(bundle)));
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw Failed(name, "could not get REST client: unable to load root certificates: " + e.Message);
        }

        return roots;
    }

    /// <summary>The chain must end at one of caBundle's certificates; the host name must match (SslStream checks it).</summary>
    private static bool Verify(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted) =>
        Retina.Kube.Tls.CustomRootTrust.Verify(certificate, errors, trusted);

    /// <summary>An integer however it was built (parsed JSON, or YAML loaded as Int64).</summary>
    public static int? Number(JsonNode? node) =>
        node is JsonValue && int.TryParse(node.ToJsonString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Describe(HttpRequestException e) =>
        e.InnerException is System.Security.Authentication.AuthenticationException
            ? "tls: failed to verify certificate: x509: certificate signed by unknown authority"
            : e.InnerException?.Message ?? e.Message;
}
