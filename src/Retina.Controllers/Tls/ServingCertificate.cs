using System.Security.Cryptography.X509Certificates;

namespace Retina.Controllers.Tls;

/// <summary>
/// The certificate the HTTPS listener presents, swapped in place when it is renewed or its files change (each TLS
/// handshake reads the current one). Null until the first one is loaded: handshakes fail until then.
/// </summary>
public sealed class ServingCertificate
{
    private X509Certificate2? current;

    public X509Certificate2? Current => Volatile.Read(ref current);

    /// <summary>The CA that signed it, PEM (what <c>caBundle</c> and the <c>ca.crt</c> ConfigMap hold); null when unknown.</summary>
    public string? CaPem { get; private set; }

    public void Set(X509Certificate2 certificate, string? caPem)
    {
        CaPem = caPem;
        Volatile.Write(ref current, certificate);
    }
}
