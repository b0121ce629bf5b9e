using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Retina.Controllers.Tls;

/// <summary>
/// A CA and the serving certificate it signed, PEM-encoded as the <c>kubernetes.io/tls</c> Secret holds them
/// (<c>ca.crt</c>, <c>ca.key</c>, <c>tls.crt</c>, <c>tls.key</c>). ECDSA P-256; the serving certificate names the
/// webhook Service (<c>name</c>, <c>name.ns</c>, <c>name.ns.svc</c>, <c>name.ns.svc.cluster.local</c>).
/// </summary>
public sealed record WebhookCertificateBundle(string CaCertPem, string CaKeyPem, string CertPem, string KeyPem)
{
    public static IReadOnlyList<string> DnsNames(string service, string ns) =>
        [service, $"{service}.{ns}", $"{service}.{ns}.svc", $"{service}.{ns}.svc.cluster.local"];

    public static WebhookCertificateBundle Generate(IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan caValidity, TimeSpan servingValidity)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=retina-controllers-ca", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now + caValidity);
        return Issue(ca.ExportCertificatePem(), caKey.ExportPkcs8PrivateKeyPem(), dnsNames, now, servingValidity);
    }

    /// <summary>A new serving certificate from the same CA (the caBundle stays valid).</summary>
    public WebhookCertificateBundle Renew(IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan servingValidity) =>
        Issue(CaCertPem, CaKeyPem, dnsNames, now, servingValidity);

    /// <summary>Why this bundle must be replaced at <paramref name="now"/>, or null when it is good.</summary>
    public string? RenewalReason(IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan renewBefore)
    {
        using var ca = X509Certificate2.CreateFromPem(CaCertPem);
        using var serving = X509Certificate2.CreateFromPem(CertPem);
        if (ca.NotAfter.ToUniversalTime() - now.UtcDateTime <= renewBefore)
        {
            return "the CA expires soon";
        }

        if (serving.NotAfter.ToUniversalTime() - now.UtcDateTime <= renewBefore)
        {
            return "the serving certificate expires soon";
        }

        var san = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault()?.EnumerateDnsNames().ToHashSet(StringComparer.Ordinal) ?? [];
        return dnsNames.All(san.Contains) ? null : "the serving certificate does not name the Service";
    }

    /// <summary>The serving certificate with its private key, for the HTTPS listener.</summary>
    public X509Certificate2 LoadServing() => X509Certificate2.CreateFromPem(CertPem, KeyPem);

    public Dictionary<string, byte[]> ToSecretData() => new(StringComparer.Ordinal)
    {
        ["ca.crt"] = Encoding.UTF8.GetBytes(CaCertPem),
        ["ca.key"] = Encoding.UTF8.GetBytes(CaKeyPem),
        ["tls.crt"] = Encoding.UTF8.GetBytes(CertPem),
        ["tls.key"] = Encoding.UTF8.GetBytes(KeyPem),
    };

    /// <summary>Reads a Secret's data; null when a key is missing or a part does not parse (the Secret is then replaced).</summary>
    public static WebhookCertificateBundle? FromSecretData(IDictionary<string, byte[]>? data)
    {
        string? Get(string key) => data is not null && data.TryGetValue(key, out var v) ? Encoding.UTF8.GetString(v) : null;
        if (Get("ca.crt") is not { } caCert || Get("ca.key") is not { } caKey || Get("tls.crt") is not { } cert || Get("tls.key") is not { } key)
        {
            return null;
        }

        var bundle = new WebhookCertificateBundle(caCert, caKey, cert, key);
        try
        {
            using var check = bundle.LoadServing();
            using var ca = X509Certificate2.CreateFromPem(caCert);
            return bundle;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static WebhookCertificateBundle Issue(string caCertPem, string caKeyPem, IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan validity)
    {
        using var ca = X509Certificate2.CreateFromPem(caCertPem, caKeyPem);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsNames[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var notAfter = now + validity < ca.NotAfter ? now + validity : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var signed = request.Create(ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return new WebhookCertificateBundle(caCertPem, caKeyPem, signed.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
