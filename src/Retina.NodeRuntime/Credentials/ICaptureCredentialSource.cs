using Retina.Api.NodeRuntime;

namespace Retina.NodeRuntime.Credentials;

/// <summary>Where a node gets the output credentials of a capture assigned to it. The node never reads Secrets itself.</summary>
public interface ICaptureCredentialSource
{
    /// <returns>The values, or a message saying why there are none (the capture then fails with it).</returns>
    Task<CredentialFetch> FetchAsync(NodeCaptureAssignment assignment, CancellationToken cancellationToken);
}

/// <summary>The answer of <see cref="ICaptureCredentialSource.FetchAsync"/>.</summary>
public sealed record CredentialFetch(NodeCaptureCredentials? Values, string? Problem)
{
    public static CredentialFetch None { get; } = new(new NodeCaptureCredentials(), null);

    /// <summary>Whether <paramref name="a"/> needs credentials at all (a blob or S3 output).</summary>
    public static bool Needed(NodeCaptureAssignment a) => a.BlobSecret is not null || a.S3 is not null;

    /// <summary>The values, checked to hold what each output of <paramref name="a"/> needs.</summary>
    public static CredentialFetch Checked(NodeCaptureAssignment a, NodeCaptureCredentials values)
    {
        if (a.BlobSecret is not null && string.IsNullOrEmpty(values.BlobUploadUrl))
        {
            return new(null, "the credential endpoint returned no blob upload URL");
        }

        if (a.S3 is not null && (string.IsNullOrEmpty(values.S3AccessKeyId) || string.IsNullOrEmpty(values.S3SecretAccessKey)))
        {
            return new(null, "the credential endpoint returned no S3 access key");
        }

        return new(values, null);
    }
}
