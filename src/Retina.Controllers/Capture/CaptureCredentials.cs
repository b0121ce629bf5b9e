using System.Text;
using k8s.Models;
using Retina.Api.NodeRuntime;
using Retina.Kube.Client;

namespace Retina.Controllers.Capture;

/// <summary>
/// The output Secrets a Capture names (blobUpload, s3Upload.secretName), in the Capture's namespace. The controller
/// checks they exist before it assigns work; the nodes never read them: the credential endpoint
/// (<see cref="Credentials.NodeCredentialEndpoint"/>) reads them on a node's behalf, only for captures assigned to
/// that node. Nothing is copied, so nothing is left behind. Values never leave Secret objects and that endpoint's
/// answers: not in specs, status, events or logs.
/// </summary>
public sealed class CaptureCredentials(IKubeClient client)
{
    public const string BlobKey = "blob-upload-url";
    public const string S3AccessKeyId = "s3-access-key-id";
    public const string S3SecretAccessKey = "s3-secret-access-key";

    /// <summary>The field path and message of what is missing; both null when every named Secret holds its keys.</summary>
    public sealed record Outcome(string? Path, string? Problem);

    public async Task<Outcome> CheckAsync(Api.Capture.Capture capture, CancellationToken ct)
    {
        var (_, path, problem) = await ReadAsync(capture, ct).ConfigureAwait(false);
        return new Outcome(path, problem);
    }

    /// <summary>The values a node needs for this Capture's outputs, or the field path and message of what is missing.</summary>
    public Task<(NodeCaptureCredentials Values, string? Path, string? Problem)> ReadAsync(Api.Capture.Capture capture, CancellationToken ct) =>
        ReadAsync(capture.Spec.OutputConfiguration, capture.Metadata.NamespaceProperty, "spec.outputConfiguration", ct);

    /// <summary>The same for any object's outputs (a TraceSession's spec.outputConfiguration), Secrets read from <paramref name="ns"/>.</summary>
    /// <param name="at">The field path of <paramref name="output"/>, for the problem's path.</param>
    public async Task<(NodeCaptureCredentials Values, string? Path, string? Problem)> ReadAsync(Api.Capture.OutputConfiguration output, string ns, string at, CancellationToken ct)
    {
        var values = new NodeCaptureCredentials();
        if (output.BlobUpload is { } blobSecret)
        {
            var (data, problem) = await KeysAsync(ns, blobSecret, [BlobKey], ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return (new NodeCaptureCredentials(), $"{at}.blobUpload", problem);
            }

            values.BlobUploadUrl = data[BlobKey];
        }

        if (output.S3Upload is { } s3)
        {
            var (data, problem) = await KeysAsync(ns, s3.SecretName, [S3AccessKeyId, S3SecretAccessKey], ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return (new NodeCaptureCredentials(), $"{at}.s3Upload.secretName", problem);
            }

            values.S3AccessKeyId = data[S3AccessKeyId];
            values.S3SecretAccessKey = data[S3SecretAccessKey];
        }

        return (values, null, null);
    }

    private async Task<(Dictionary<string, string> Data, string? Problem)> KeysAsync(string ns, string name, string[] keys, CancellationToken ct)
    {
        var secret = await client.GetAsync<V1Secret>(name, ns, ct).ConfigureAwait(false);
        if (secret is null)
        {
            return ([], $"Secret \"{name}\" not found in namespace {ns}");
        }

        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            if (secret.Data?.TryGetValue(k, out var bytes) == true)
            {
                found[k] = Encoding.UTF8.GetString(bytes);
            }
            else if (secret.StringData?.TryGetValue(k, out var text) == true)
            {
                found[k] = text;
            }
        }

        var missing = keys.Where(k => !found.ContainsKey(k)).ToList();
        return missing.Count > 0 ? ([], $"Secret \"{name}\" has no key {string.Join(", ", missing)}") : (found, null);
    }
}
