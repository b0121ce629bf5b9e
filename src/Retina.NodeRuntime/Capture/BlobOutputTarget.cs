using System.Text;

namespace Retina.NodeRuntime.Capture;

/// <summary>An Azure Blob container SAS URL. The query string is a credential: it is never printed.</summary>
public sealed record BlobOutputTarget(string ContainerSasUrl)
{
    /// <summary>The URL without its query string, safe to show.</summary>
    public string RedactedUrl => SecretRedactor.StripQuery(ContainerSasUrl);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ContainerSasUrl = ").Append(RedactedUrl).Append("?[REDACTED]");
        return true;
    }
}
