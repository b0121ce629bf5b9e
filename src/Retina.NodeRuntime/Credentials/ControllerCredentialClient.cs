using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Retina.Api.NodeRuntime;

namespace Retina.NodeRuntime.Credentials;

/// <summary>
/// Fetches a capture's credentials from the controllers over HTTPS: the server certificate must chain to the CA in
/// <see cref="ControllerCredentialOptions.CaPath"/> (the <c>retina-controllers-ca</c> ConfigMap, mounted) and match the
/// endpoint's host; the request carries the node's bound token. Values are kept only in the capture's memory.
/// </summary>
public sealed class ControllerCredentialClient : ICaptureCredentialSource, ITraceCredentialSource, IDisposable
{
    private readonly ControllerCredentialOptions options;
    private readonly HttpClient http;

    public ControllerCredentialClient(ControllerCredentialOptions options)
    {
        this.options = options;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, errors) => Trusted(cert, errors) },
        };
        http = new HttpClient(handler) { BaseAddress = options.Endpoint, Timeout = TimeSpan.FromSeconds(15) };
    }

    public Task<CredentialFetch> FetchAsync(NodeCaptureAssignment assignment, CancellationToken cancellationToken) =>
        FetchAsync(assignment, NodeCaptureCredentials.PathOf(assignment.Key), cancellationToken);

    /// <summary>The output credentials of a trace assigned to this node (<c>GET /node-credentials/v1/traces/{namespace}/{name}/{uid}</c>).</summary>
    public Task<CredentialFetch> FetchAsync(NodeTraceAssignment trace, CancellationToken cancellationToken) =>
        FetchAsync(new NodeCaptureAssignment { Key = trace.Key, BlobSecret = trace.BlobSecret, S3 = trace.S3 }, NodeCaptureCredentials.TracePathOf(trace.Key), cancellationToken);

    private async Task<CredentialFetch> FetchAsync(NodeCaptureAssignment assignment, string path, CancellationToken cancellationToken)
    {
        if (!CredentialFetch.Needed(assignment))
        {
            return CredentialFetch.None;
        }

        var delay = options.FirstRetryDelay;
        string problem = "";
        for (var attempt = 1; attempt <= options.Attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }

            string token;
            try
            {
                token = (await File.ReadAllTextAsync(options.TokenPath, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new(null, $"cannot read the node's credential token {options.TokenPath}: {e.Message}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var values = JsonSerializer.Deserialize<NodeCaptureCredentials>(body);
                    return values is null ? new(null, "the credential endpoint answered an empty body") : CredentialFetch.Checked(assignment, values);
                }

                problem = $"the credential endpoint refused: {(int)response.StatusCode} {Message(body)}";
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    return new(null, problem);
                }
            }
            catch (HttpRequestException e)
            {
                problem = $"the credential endpoint {options.Endpoint} is unreachable: {e.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"the credential endpoint {options.Endpoint} did not answer in time";
            }
            catch (JsonException)
            {
                return new(null, "the credential endpoint answered something that is not credentials");
            }
        }

        return new(null, problem);
    }

    public void Dispose() => http.Dispose();

    private static string Message(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("message").GetString() ?? "";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    /// <summary>The CA file is read on every new connection, so a rotated CA is picked up without a restart.</summary>
    private bool Trusted(X509Certificate? presented, SslPolicyErrors errors)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(options.CaPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }

        return Retina.Kube.Tls.CustomRootTrust.Verify(presented, errors, roots);
    }
}
