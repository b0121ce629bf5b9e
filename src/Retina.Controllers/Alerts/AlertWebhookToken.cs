using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Controllers.Alerts;

/// <summary>The bearer token the receiver accepts, compared in constant time; null while none is configured.</summary>
public interface IAlertWebhookToken
{
    Task<byte[]?> GetAsync(CancellationToken ct);
}

public static class AlertWebhookTokens
{
    /// <summary>Whether the presented Authorization header carries exactly the token (constant-time on the bytes).</summary>
    public static bool Accepts(byte[] token, string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()), token);
    }

    /// <summary>A token file's content without the trailing newline an editor or <c>echo</c> leaves.</summary>
    public static byte[]? FromText(string? text) => string.IsNullOrWhiteSpace(text) ? null : Encoding.UTF8.GetBytes(text.Trim());

    /// <summary>A new random token (256 bits, URL-safe base64) for a token file created at first start.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The token from a key of a Secret in the controllers' namespace, re-read at most every few seconds so a rotation takes effect.</summary>
public sealed class SecretAlertWebhookToken(IKubeClient client, string ns, string name, string key, TimeProvider time) : IAlertWebhookToken
{
    private static readonly TimeSpan Reread = TimeSpan.FromSeconds(10);
    private (byte[]? Token, DateTimeOffset At)? cached;

    public async Task<byte[]?> GetAsync(CancellationToken ct)
    {
        if (cached is { } c && time.GetUtcNow() - c.At < Reread)
        {
            return c.Token;
        }

        var secret = await client.GetAsync<V1Secret>(name, ns, ct).ConfigureAwait(false);
        var token = secret?.Data is { } data && data.TryGetValue(key, out var bytes) ? AlertWebhookTokens.FromText(Encoding.UTF8.GetString(bytes))
            : secret?.StringData is { } strings && strings.TryGetValue(key, out var text) ? AlertWebhookTokens.FromText(text)
            : null;
        cached = (token, time.GetUtcNow());
        return token;
    }
}

/// <summary>The token from a file (local mode; Alertmanager reads the same file with <c>credentials_file</c>).</summary>
public sealed class FileAlertWebhookToken(string path) : IAlertWebhookToken
{
    public async Task<byte[]?> GetAsync(CancellationToken ct) =>
        File.Exists(path) ? AlertWebhookTokens.FromText(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)) : null;
}
