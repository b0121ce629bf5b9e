using k8s.Models;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;

namespace Retina.Controllers.Tls;

/// <summary>
/// Self-managed TLS, run by every replica: ensures the Secret holds a valid CA and serving certificate (created once;
/// when two replicas race, the loser of the create reads the winner's; renewal is a resourceVersion-checked update),
/// serves it, and publishes the CA (ConfigMap and caBundle). Checked again every <see cref="WebhookTlsOptions.CheckInterval"/>.
/// </summary>
public sealed partial class SelfManagedTls(IKubeClient client, WebhookTlsOptions options, string ns, ServingCertificate serving,
    CaPublisher publisher, TimeProvider time, ILogger<SelfManagedTls> logger) : TlsRounds(options, time, logger)
{
    private IReadOnlyList<string> DnsNames => WebhookCertificateBundle.DnsNames(Options.ServiceName, ns);

    protected override bool IsTransient(Exception e) =>
        e is KubeApiException or HttpRequestException or System.Security.Cryptography.CryptographicException;

    protected override void OnRoundFailed(Exception e) => LogFailed(e.GetType().Name, e is KubeApiException k ? (int)k.StatusCode : 0);

    /// <summary>One round: the Secret, the served certificate, the ConfigMap and the caBundles.</summary>
    public override async Task RunOnceAsync(CancellationToken ct)
    {
        var bundle = await EnsureSecretAsync(ct).ConfigureAwait(false);
        if (serving.Current is null || serving.CaPem != bundle.CaCertPem || serving.Current.Thumbprint != Thumbprint(bundle.CertPem))
        {
            serving.Set(bundle.LoadServing(), bundle.CaCertPem);
            LogServing(serving.Current!.NotAfter.ToUniversalTime());
        }

        await publisher.PublishConfigMapAsync(bundle.CaCertPem, ct).ConfigureAwait(false);
        await publisher.PatchCaBundlesAsync(bundle.CaCertPem, ct).ConfigureAwait(false);
    }

    private static string Thumbprint(string pem)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        return certificate.Thumbprint;
    }

    private async Task<WebhookCertificateBundle> EnsureSecretAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = Time.GetUtcNow();
            var secret = await client.GetAsync<V1Secret>(Options.SecretName, ns, ct).ConfigureAwait(false);
            var existing = WebhookCertificateBundle.FromSecretData(secret?.Data);
            var why = existing is null ? (secret is null ? "it does not exist" : "it holds no valid certificate") : existing.RenewalReason(DnsNames, now, Options.RenewBeforeSpan);
            if (why is null)
            {
                return existing!;
            }

            var next = existing is not null && why != "the CA expires soon"
                ? existing.Renew(DnsNames, now, Options.ServingValiditySpan)
                : WebhookCertificateBundle.Generate(DnsNames, now, Options.CaValiditySpan, Options.ServingValiditySpan);
            try
            {
                if (secret is null)
                {
                    await client.CreateAsync(new V1Secret
                    {
                        ApiVersion = "v1",
                        Kind = "Secret",
                        Type = "kubernetes.io/tls",
                        Metadata = new V1ObjectMeta
                        {
                            Name = Options.SecretName,
                            NamespaceProperty = ns,
                            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "retina-controllers" },
                        },
                        Data = next.ToSecretData(),
                    }, ct).ConfigureAwait(false);
                }
                else
                {
                    secret.Data = next.ToSecretData();
                    await client.UpdateAsync(secret, ct).ConfigureAwait(false);
                }

                LogIssued(Options.SecretName, why);
                return next;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < 5)
            {
                // Another replica created or renewed it first: use theirs (read again).
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "issued the webhook certificate in Secret {Name}: {Why}")]
    private partial void LogIssued(string name, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "serving the webhook certificate valid until {NotAfter:o}")]
    private partial void LogServing(DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook TLS round failed ({Error}, HTTP {Code}); retrying")]
    private partial void LogFailed(string error, int code);

}
