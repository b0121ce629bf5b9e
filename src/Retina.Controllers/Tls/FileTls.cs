using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;

namespace Retina.Controllers.Tls;

/// <summary>
/// TLS from files (cert-manager's Secret mounted at <see cref="WebhookTlsOptions.CertificateDirectory"/>): <c>tls.crt</c>
/// and <c>tls.key</c> are re-read every <see cref="WebhookTlsOptions.CheckInterval"/> and swapped in when they change
/// (the kubelet updates a mounted Secret by an atomic symlink swap, so both files change together); <c>ca.crt</c> is
/// published in the CA ConfigMap. caBundle is left to cert-manager's cainjector.
/// </summary>
public sealed partial class FileTls(WebhookTlsOptions options, ServingCertificate serving, CaPublisher publisher, TimeProvider time, ILogger<FileTls> logger)
    : TlsRounds(options, time, logger)
{
    private string? loaded;

    protected override bool IsTransient(Exception e) =>
        e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or KubeApiException or HttpRequestException;

    protected override void OnRoundFailed(Exception e) => LogFailed(Options.CertificateDirectory, e.GetType().Name);

    public override async Task RunOnceAsync(CancellationToken ct)
    {
        var dir = Options.CertificateDirectory;
        var cert = await File.ReadAllTextAsync(Path.Combine(dir, "tls.crt"), ct).ConfigureAwait(false);
        var key = await File.ReadAllTextAsync(Path.Combine(dir, "tls.key"), ct).ConfigureAwait(false);
        var caPath = Path.Combine(dir, "ca.crt");
        var ca = File.Exists(caPath) ? await File.ReadAllTextAsync(caPath, ct).ConfigureAwait(false) : null;
        var fingerprint = cert + "\n" + key + "\n" + ca;
        if (fingerprint != loaded)
        {
            var certificate = X509Certificate2.CreateFromPem(cert, key);
            serving.Set(certificate, ca);
            loaded = fingerprint;
            LogLoaded(dir, certificate.NotAfter.ToUniversalTime());
        }

        if (ca is not null)
        {
            await publisher.PublishConfigMapAsync(ca, ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "loaded the webhook certificate from {Directory}, valid until {NotAfter:o}")]
    private partial void LogLoaded(string directory, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not load the webhook certificate from {Directory} ({Error}); retrying")]
    private partial void LogFailed(string directory, string error);

}
