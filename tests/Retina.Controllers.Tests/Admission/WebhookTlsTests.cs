using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Retina.Controllers.Admission;
using Retina.Controllers.Tls;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;
using Retina.Testing.Waiting;

namespace Retina.Controllers.Tests.Admission;

/// <summary>The HTTPS listener's certificate: self-managed (Secret, caBundle, CA ConfigMap) or loaded from files and reloaded.</summary>
public sealed class WebhookTlsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Two_replicas_starting_together_create_the_Secret_and_ConfigMap_once_and_serve_one_certificate_with_only_the_shipped_RBAC()
    {
        await using var bed = await WebhookBed.StartAsync(o => o.AuthorizeRequests = true, waitForCaBundle: false);
        bed.Api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/controllers.yaml"));
        var controllers = FakeUser.ServiceAccount(WebhookBed.Namespace, "retina-controllers");
        // Both replicas read "no Secret" before either has written one.
        bed.Api.Latency = TimeSpan.FromMilliseconds(100);

        var replicas = await Task.WhenAll(bed.StartHostAsync(bed.Api.CreateClient(controllers)), bed.StartHostAsync(bed.Api.CreateClient(controllers)));
        bed.Api.WebhookServices[(WebhookBed.Namespace, WebhookNames.Service, 443)] = WebhookBed.Endpoint(replicas[0]);
        await Until.TrueAsync(() => replicas.All(r => Serving(r).Current is not null) && bed.CaBundles().All(b => b is not null), "both replicas serve and caBundle is patched");
        bed.Api.Latency = TimeSpan.Zero;

        var admin = bed.Api.CreateClient();
        var secret = (await admin.GetAsync<V1Secret>("retina-controllers-tls", WebhookBed.Namespace, None))!;
        var caPem = Encoding.UTF8.GetString(secret.Data["ca.crt"]);
        var served = Encoding.UTF8.GetString(secret.Data["tls.crt"]);
        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.All(replicas, r => Assert.Equal(X509Certificate2.CreateFromPem(served).Thumbprint, Serving(r).Current!.Thumbprint));
        Assert.Equal(0, bed.Api.RequestCount("update", "secrets"));
        var configMap = (await admin.GetAsync<V1ConfigMap>("retina-controllers-ca", WebhookBed.Namespace, None))!;
        Assert.Equal(caPem, configMap.Data["ca.crt"]);
        Assert.Equal(["ca.crt"], configMap.Data.Keys);
        Assert.Equal(0, bed.Api.RequestCount("update", "configmaps"));
        Assert.All(bed.CaBundles(), b => Assert.Equal(caPem, Encoding.UTF8.GetString(Convert.FromBase64String(b!))));

        // What a node runtime would do with the ConfigMap: verify the listener against it, for the Service's name.
        Assert.True(await HandshakeAsync(WebhookBed.Endpoint(replicas[1]), "retina-controllers-webhook.retina-system.svc", caPem) is not null);
        var (code, _) = await bed.SendAsync(FakeUser.Admin, new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "retina.sh/v1alpha1", ["kind"] = "TraceSession",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "t", ["namespace"] = "default" },
            ["spec"] = new System.Text.Json.Nodes.JsonObject { ["duration"] = "0s", ["events"] = new System.Text.Json.Nodes.JsonArray("drop") },
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);

        // Later rounds find everything in place and write nothing (counted from rounds that began after it settled).
        var rounds = bed.Api.RequestCount("get", "secrets");
        await Until.TrueAsync(() => bed.Api.RequestCount("get", "secrets") >= rounds + 4, "every replica ran two more rounds");
        var writes = bed.Api.WriteCount();
        await Until.TrueAsync(() => bed.Api.RequestCount("get", "secrets") >= rounds + 8, "every replica ran two rounds after that");
        Assert.Equal(writes, bed.Api.WriteCount());
    }

    [Fact]
    public async Task A_Secret_without_a_usable_certificate_is_replaced_and_served()
    {
        await using var bed = await WebhookBed.StartAsync(waitForCaBundle: false);
        var admin = bed.Api.CreateClient();
        await admin.CreateAsync(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Type = "kubernetes.io/tls",
            Metadata = new V1ObjectMeta { Name = "retina-controllers-tls", NamespaceProperty = WebhookBed.Namespace },
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = "garbage"u8.ToArray(), ["tls.key"] = "garbage"u8.ToArray() },
        }, None);

        var host = await bed.StartHostAsync(admin);

        await Until.TrueAsync(() => Serving(host).Current is not null, "the replica serves a certificate");
        var secret = (await admin.GetAsync<V1Secret>("retina-controllers-tls", WebhookBed.Namespace, None))!;
        Assert.Equal(X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"])).Thumbprint, Serving(host).Current!.Thumbprint);
    }

    [Fact]
    public async Task File_mode_reloads_a_changed_certificate_and_publishes_its_CA()
    {
        await using var bed = await WebhookBed.StartAsync(waitForCaBundle: false);
        var dir = Directory.CreateTempSubdirectory("retina-webhook-tls-");
        try
        {
            var names = WebhookCertificateBundle.DnsNames(WebhookNames.Service, WebhookBed.Namespace);
            var first = WebhookCertificateBundle.Generate(names, DateTimeOffset.UtcNow, TimeSpan.FromDays(30), TimeSpan.FromDays(1));
            Write(dir.FullName, first);
            var host = await bed.StartHostAsync(bed.Api.CreateClient(),
                new WebhookTlsOptions { Mode = WebhookTlsOptions.Files, CertificateDirectory = dir.FullName, CheckInterval = "100ms" });
            var endpoint = WebhookBed.Endpoint(host);
            const string serviceName = "retina-controllers-webhook.retina-system.svc";

            await Until.TrueAsync(async () => await HandshakeAsync(endpoint, serviceName, first.CaCertPem) == Thumbprint(first), "the first certificate is served");
            await Until.TrueAsync(async () => await CaConfigMapAsync(bed) == first.CaCertPem, "the first CA is published");

            var second = WebhookCertificateBundle.Generate(names, DateTimeOffset.UtcNow, TimeSpan.FromDays(30), TimeSpan.FromDays(1));
            Write(dir.FullName, second);

            await Until.TrueAsync(async () => await HandshakeAsync(endpoint, serviceName, second.CaCertPem) == Thumbprint(second), "the new certificate is served");
            await Until.TrueAsync(async () => await CaConfigMapAsync(bed) == second.CaCertPem, "the new CA is published");
            Assert.Null(await bed.Api.CreateClient().GetAsync<V1Secret>("retina-controllers-tls", WebhookBed.Namespace, None));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_serving_certificate_close_to_expiry_is_renewed_from_the_same_CA()
    {
        var names = WebhookCertificateBundle.DnsNames(WebhookNames.Service, WebhookBed.Namespace);
        var now = DateTimeOffset.UtcNow;
        var bundle = WebhookCertificateBundle.Generate(names, now, TimeSpan.FromDays(3650), TimeSpan.FromDays(365));
        Assert.Null(bundle.RenewalReason(names, now, TimeSpan.FromDays(30)));
        Assert.Equal("the serving certificate expires soon", bundle.RenewalReason(names, now.AddDays(340), TimeSpan.FromDays(30)));
        Assert.Equal("the serving certificate does not name the Service", bundle.RenewalReason(WebhookCertificateBundle.DnsNames("other", "ns"), now, TimeSpan.FromDays(30)));

        var renewed = bundle.Renew(names, now.AddDays(340), TimeSpan.FromDays(365));
        Assert.Equal(bundle.CaCertPem, renewed.CaCertPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(bundle.CaCertPem));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.AddDays(341).UtcDateTime;
        Assert.True(chain.Build(renewed.LoadServing()));
    }

    private static ServingCertificate Serving(WebApplication host) => host.Services.GetRequiredService<ServingCertificate>();

    private static string Thumbprint(WebhookCertificateBundle bundle) => X509Certificate2.CreateFromPem(bundle.CertPem).Thumbprint;

    private static void Write(string dir, WebhookCertificateBundle bundle)
    {
        // As the kubelet updates a mounted Secret: new files, then an atomic rename over the old ones.
        foreach (var (name, text) in new[] { ("tls.crt", bundle.CertPem), ("tls.key", bundle.KeyPem), ("ca.crt", bundle.CaCertPem) })
        {
            var temp = Path.Combine(dir, "." + name + ".tmp");
            File.WriteAllText(temp, text);
            File.Move(temp, Path.Combine(dir, name), overwrite: true);
        }
    }

    private static async Task<string?> CaConfigMapAsync(WebhookBed bed) =>
        (await bed.Api.CreateClient().GetAsync<V1ConfigMap>("retina-controllers-ca", WebhookBed.Namespace, None))?.Data?["ca.crt"];

    /// <summary>The thumbprint of the certificate served at <paramref name="endpoint"/> when it verifies against <paramref name="caPem"/> for <paramref name="host"/>; else null.</summary>
    private static async Task<string?> HandshakeAsync(IPEndPoint endpoint, string host, string caPem)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        string? thumbprint = null;
        await using var tls = new SslStream(tcp.GetStream(), false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            // Each handshake must show the certificate served now, not a resumed session's.
            AllowTlsResume = false,
        };
        options.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
        {
            if (cert is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var verify = new X509Chain();
            verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            verify.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(caPem));
            verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(cert);
            thumbprint = verify.Build(leaf) ? leaf.Thumbprint : null;
            return thumbprint is not null;
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options);
            return thumbprint;
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
