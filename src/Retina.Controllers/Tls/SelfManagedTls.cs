using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;

namespace Retina.Controllers.Tls;

/// <summary>
/// Self-managed TLS, run by every replica: ensures the Secret holds a valid CA and serving certificate (created once;
/// when two replicas race, the loser of the create reads the winner's; renewal is a resourceVersion-checked update),
/// serves it, and publishes the CA (ConfigMap and caBundle). Checked again every <see cref="WebhookTlsOptions.CheckInterval"/>.
/// </summary>
public sealed partial class SelfManagedTls(IKubeClient client, WebhookTlsOptions options, string ns, ServingCertificate serving,
    CaPublisher publisher, TimeProvider time, ILogger<SelfManagedTls> logger) : BackgroundService
{
    private IReadOnlyList<string> DnsNames => WebhookCertificateBundle.DnsNames(options.ServiceName, ns);

    /// <summary>How long start-up waits for the first certificate, so the listener opens with one (then it keeps trying in the background).</summary>
    public static readonly TimeSpan FirstRoundTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the first round before the HTTPS listener opens (hosted services start before the server).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        first.CancelAfter(FirstRoundTimeout);
        try
        {
            await RunOnceAsync(first.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or System.Security.Cryptography.CryptographicException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFirstRoundFailed(e.GetType().Name);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.CheckIntervalSpan;
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or System.Security.Cryptography.CryptographicException)
            {
                LogFailed(e.GetType().Name, e is KubeApiException k ? (int)k.StatusCode : 0);
                wait = TimeSpan.FromSeconds(Math.Min(5, wait.TotalSeconds));
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: the Secret, the served certificate, the ConfigMap and the caBundles.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
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
            var now = time.GetUtcNow();
            var secret = await client.GetAsync<V1Secret>(options.SecretName, ns, ct).ConfigureAwait(false);
            var existing = WebhookCertificateBundle.FromSecretData(secret?.Data);
            var why = existing is null ? (secret is null ? "it does not exist" : "it holds no valid certificate") : existing.RenewalReason(DnsNames, now, options.RenewBeforeSpan);
            if (why is null)
            {
                return existing!;
            }

            var next = existing is not null && why != "the CA expires soon"
                ? existing.Renew(DnsNames, now, options.ServingValiditySpan)
                : WebhookCertificateBundle.Generate(DnsNames, now, options.CaValiditySpan, options.ServingValiditySpan);
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
                            Name = options.SecretName,
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

                LogIssued(options.SecretName, why);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "no webhook certificate at start-up ({Error}); the HTTPS listener refuses handshakes until one is loaded")]
    private partial void LogFirstRoundFailed(string error);
}
