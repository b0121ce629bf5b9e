using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>
/// Uploads the tarball to an Azure Blob container through a container SAS URL. The blob is created only if absent and
/// carries the artifact's SHA-256, so a retry after an unacknowledged success finds the finished blob and stops there.
/// </summary>
public sealed class BlobOutput(BlobOutputTarget target, Func<BlobClientOptions>? optionsFactory = null, PlainHttpPolicy? plainHttp = null) : ICaptureOutput
{
    public const string Sha256Metadata = "sha256";

    public string Kind => "blob";

    public async Task<CaptureArtifactLocation> DeliverAsync(CaptureArtifact artifact, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(target.ContainerSasUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new OutputPermanentException("blobUpload: blob-upload-url is not an http(s) container SAS URL");
        }

        if ((plainHttp ?? PlainHttpPolicy.HttpsOnly).Refusal(uri, "blobUpload") is { } refused)
        {
            throw new OutputPermanentException(refused);
        }

        var container = new BlobContainerClient(uri, optionsFactory?.Invoke() ?? new BlobClientOptions());
        var blob = container.GetBlobClient(artifact.Name);
        try
        {
            await using var stream = File.OpenRead(artifact.Path);
            await blob.UploadAsync(
                stream,
                new BlobUploadOptions
                {
                    Metadata = new Dictionary<string, string> { [Sha256Metadata] = artifact.Sha256 },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/gzip" },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409 || e.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // An earlier attempt finished without us hearing back: the check below decides whether it is ours.
        }
        catch (RequestFailedException e) when (e.Status is 403 or 404)
        {
            // The SAS is wrong, expired or names no container: the user must fix it, retrying cannot.
            throw new OutputPermanentException($"blobUpload: {e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)} for container {SecretRedactor.StripQuery(target.ContainerSasUrl)}");
        }

        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        if (!properties.Metadata.TryGetValue(Sha256Metadata, out var sha) || sha != artifact.Sha256 || properties.ContentLength != artifact.Bytes)
        {
            throw new OutputPermanentException($"blobUpload: blob {artifact.Name} already exists with different content");
        }

        return new CaptureArtifactLocation(Kind, SecretRedactor.StripQuery(blob.Uri.ToString()));
    }
}
