using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Retina.Testing.FakeKubeApi.Webhooks;

/// <summary>A throw-away CA and a serving certificate it signed (ECDSA P-256), for webhook servers in tests.</summary>
public sealed class TestWebhookCertificates : IDisposable
{
    private TestWebhookCertificates(X509Certificate2 ca, X509Certificate2 serving)
    {
        Ca = ca;
        Serving = serving;
    }

    public X509Certificate2 Ca { get; }

    /// <summary>With its private key.</summary>
    public X509Certificate2 Serving { get; }

    /// <summary>The CA certificate as <c>caBundle</c> holds it: base64 of the PEM.</summary>
    public string CaBundle => Convert.ToBase64String(Encoding.UTF8.GetBytes(Ca.ExportCertificatePem()));

    /// <summary>Serving certificate valid for 127.0.0.1 and <paramref name="dnsNames"/>.</summary>
    public static TestWebhookCertificates Create(params string[] dnsNames)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test webhook CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test webhook", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(16));
        return new TestWebhookCertificates(ca, signed.CopyWithPrivateKey(key));
    }

    public void Dispose()
    {
        Ca.Dispose();
        Serving.Dispose();
    }
}
