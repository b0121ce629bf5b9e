using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Retina.Kube.Tls;

/// <summary>
/// Server-certificate checks against our own CA rather than the system's: the chain must end at one of
/// <c>roots</c> and the host name must match (SslStream reports a mismatch in the policy errors).
/// </summary>
public static class CustomRootTrust
{
    public static bool Verify(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (presented is null || roots.Count == 0
            || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(presented);
        return chain.Build(leaf);
    }
}
