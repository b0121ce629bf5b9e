using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>
/// Uploads the tarball with a single PUT (an object is visible only once complete) and verifies size and SHA-256 with a
/// HEAD before reporting it; a repeated PUT of the same artifact replaces it with identical bytes.
/// </summary>
public sealed class S3Output(S3OutputTarget target, Action<AmazonS3Config>? configure = null, PlainHttpPolicy? plainHttp = null) : ICaptureOutput
{
    public const string Sha256Metadata = "x-amz-meta-sha256";

    public string Kind => "s3";

    public static string KeyFor(S3OutputTarget target, string artifactName)
    {
        var prefix = (target.Path ?? "").Trim('/');
        return prefix.Length == 0 ? artifactName : $"{prefix}/{artifactName}";
    }

    public async Task<CaptureArtifactLocation> DeliverAsync(CaptureArtifact artifact, CancellationToken cancellationToken)
    {
        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 2,
        };
        if (string.IsNullOrEmpty(target.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(target.Region);
        }
        else
        {
            if (!Uri.TryCreate(target.Endpoint, UriKind.Absolute, out var endpoint))
            {
                throw new OutputPermanentException($"s3Upload: endpoint '{target.Endpoint}' is not an absolute URL");
            }

            if ((plainHttp ?? PlainHttpPolicy.HttpsOnly).Refusal(endpoint, "s3Upload") is { } refused)
            {
                throw new OutputPermanentException(refused);
            }

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
