using System.Net;
using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Controllers.Capture;

/// <summary>
/// The credentials hand-off: the node runtime never reads users' Secrets. For blob and S3 outputs the controller
/// copies the referenced Secret into a short-lived Secret in the runtime's namespace, labelled with the Capture's
/// uid, and deletes it when the capture ends. Values never leave Secret objects: not in specs, status, events or logs.
/// </summary>
public sealed class CaptureCredentials(IKubeClient client, string runtimeNamespace)
{
    public const string CaptureUidLabel = "retina.sh/capture-uid";
    public const string BlobKey = "blob-upload-url";
    public const string S3AccessKeyId = "s3-access-key-id";
    public const string S3SecretAccessKey = "s3-secret-access-key";

    /// <summary>The staged Secrets, or the field path and message of what is missing.</summary>
    public sealed record Outcome(StagedSecrets Secrets, string? Path, string? Problem);

    public async Task<Outcome> StageAsync(Api.Capture.Capture capture, CancellationToken ct)
    {
        var output = capture.Spec.OutputConfiguration;
        string? blob = null, s3 = null;
        if (output.BlobUpload is { } blobSecret)
        {
            var staged = await CopyAsync(capture, blobSecret, "blob", [BlobKey], ct).ConfigureAwait(false);
            if (staged.Problem is not null)
            {
                return new Outcome(StagedSecrets.None, "spec.outputConfiguration.blobUpload", staged.Problem);
            }

            blob = staged.Name;
        }

        if (output.S3Upload is { } s3Upload)
        {
            var staged = await CopyAsync(capture, s3Upload.SecretName, "s3", [S3AccessKeyId, S3SecretAccessKey], ct).ConfigureAwait(false);
            if (staged.Problem is not null)
            {
                return new Outcome(StagedSecrets.None, "spec.outputConfiguration.s3Upload.secretName", staged.Problem);
            }

            s3 = staged.Name;
        }

        return new Outcome(new StagedSecrets(blob, s3), null, null);
    }

    public async Task DeleteAsync(Api.Capture.Capture capture, CancellationToken ct)
    {
        var staged = await client.ListAsync<V1Secret>(
            new ListOptions { Namespace = runtimeNamespace, LabelSelector = $"{CaptureUidLabel}={capture.Metadata.Uid}" }, ct).ConfigureAwait(false);
        foreach (var secret in staged.Items)
        {
            await client.DeleteAsync<V1Secret>(secret.Metadata.Name, runtimeNamespace, ct).ConfigureAwait(false);
        }
    }

    public static string StagedName(Api.Capture.Capture capture, string purpose) => $"retina-capture-{capture.Metadata.Uid}-{purpose}";

    private async Task<(string? Name, string? Problem)> CopyAsync(Api.Capture.Capture capture, string sourceName, string purpose, string[] keys, CancellationToken ct)
    {
        var ns = capture.Metadata.NamespaceProperty;
        var source = await client.GetAsync<V1Secret>(sourceName, ns, ct).ConfigureAwait(false);
        if (source is null)
        {
            return (null, $"Secret \"{sourceName}\" not found in namespace {ns}");
        }

        var missing = keys.Where(k => source.Data?.ContainsKey(k) != true && source.StringData?.ContainsKey(k) != true).ToList();
        if (missing.Count > 0)
        {
            return (null, $"Secret \"{sourceName}\" has no key {string.Join(", ", missing)}");
        }

        var name = StagedName(capture, purpose);
        var staged = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = runtimeNamespace,
                Labels = new Dictionary<string, string> { [CaptureUidLabel] = capture.Metadata.Uid, ["app.kubernetes.io/managed-by"] = "retina-controllers" },
                Annotations = new Dictionary<string, string> { ["retina.sh/capture"] = $"{ns}/{capture.Metadata.Name}" },
            },
            Type = "Opaque",
            Data = keys.ToDictionary(k => k, k => source.Data?.TryGetValue(k, out var v) == true ? v : System.Text.Encoding.UTF8.GetBytes(source.StringData![k])),
        };
        try
        {
            await client.CreateAsync(staged, ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Already staged by an earlier pass: Secret contents are immutable for a Capture's life.
        }

        return (name, null);
    }
}
