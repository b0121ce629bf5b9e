using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>
/// Uploads the tarball with a single PUT (an object is visible only once complete) and verifies size and SHA-256 with a
/// HEAD before reporting it; a repeated PUT of the same artifact replaces it with identical bytes.
/// </summary>
public sealed partial class S3Output(S3OutputTarget target, Action<AmazonS3Config>? configure = null, PlainHttpPolicy? plainHttp = null) : ICaptureOutput
{
    public const string Sha256Metadata = "x-amz-meta-sha256";

    public string Kind => "s3";

    public static string KeyFor(S3OutputTarget target, string artifactName)
    {
        var prefix = (target.Path ?? "").Trim('/');
        return prefix.Length == 0 ? artifactName : $"{prefix}/{artifactName}";
    }

    /// <summary>
    /// Why the target must not be used, or null: the endpoint must be an absolute https URL (plain http only where the
    /// admin's <see cref="PlainHttpPolicy"/> lists it) with nothing but scheme, host, port and path — no user:password@
    /// (it would be printed with the endpoint), no query or fragment; the region a plain AWS region name, since the SDK
    /// builds the host name from it (a region such as <c>evil.example#</c> would point the upload elsewhere). Messages
    /// name host and port only.
    /// </summary>
    public static string? Refusal(S3OutputTarget target, PlainHttpPolicy plainHttp)
    {
        if (!Region().IsMatch(target.Region))
        {
            return $"s3Upload: region \"{target.Region}\" is not an AWS region name (lowercase letters, digits and dashes)";
        }

        if (string.IsNullOrEmpty(target.Endpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(target.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Host.Length == 0)
        {
            return "s3Upload: endpoint is not an absolute URL such as https://minio.example:9000";
        }

        if (endpoint.UserInfo.Length > 0)
        {
            return $"s3Upload: endpoint {endpoint.Host}:{endpoint.Port} carries credentials (user:password@); give them in the Secret";
        }

        if (endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
        {
            return $"s3Upload: endpoint {endpoint.Host}:{endpoint.Port} has a query or fragment; give scheme, host, port and path only";
        }

        return plainHttp.Refusal(endpoint, "s3Upload");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex Region();

    public async Task<CaptureArtifactLocation> DeliverAsync(CaptureArtifact artifact, CancellationToken cancellationToken)
    {
        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 2,
        };
        if (Refusal(target, plainHttp ?? PlainHttpPolicy.HttpsOnly) is { } refused)
        {
            throw new OutputPermanentException(refused);
        }

        if (string.IsNullOrEmpty(target.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(target.Region);
        }
        else
        {
            config.ServiceURL = target.Endpoint;
            config.AuthenticationRegion = target.Region;
            config.ForcePathStyle = true;
        }

        configure?.Invoke(config);
        using var client = new AmazonS3Client(new BasicAWSCredentials(target.AccessKeyId, target.SecretAccessKey), config);
        var key = KeyFor(target, artifact.Name);
        var put = new PutObjectRequest
        {
            BucketName = target.Bucket,
            Key = key,
            FilePath = artifact.Path,
            ContentType = "application/gzip",
            UseChunkEncoding = false,
        };
        put.Metadata.Add(Sha256Metadata, artifact.Sha256);
        try
        {
            await client.PutObjectAsync(put, cancellationToken).ConfigureAwait(false);
            var head = await client.GetObjectMetadataAsync(target.Bucket, key, cancellationToken).ConfigureAwait(false);
            if (head.ContentLength != artifact.Bytes || head.Metadata[Sha256Metadata] != artifact.Sha256)
            {
                throw new IOException($"s3Upload: s3://{target.Bucket}/{key} does not match the artifact after upload");
            }
        }
        catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound && e.ErrorCode is "AccessDenied" or "NoSuchBucket" or "InvalidAccessKeyId" or "SignatureDoesNotMatch")
        {
            throw new OutputPermanentException($"s3Upload: {e.ErrorCode} for bucket {target.Bucket}: {e.Message}");
        }

        return new CaptureArtifactLocation(Kind, $"s3://{target.Bucket}/{key}");
    }
}
