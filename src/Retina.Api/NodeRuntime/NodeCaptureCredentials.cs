using System.Text.Json.Serialization;

namespace Retina.Api.NodeRuntime;

/// <summary>
/// What the controllers' credential endpoint answers a node for one capture assigned to it: the values of the
/// output Secrets the Capture names. Wire format only (never stored in any object); its ToString redacts.
/// </summary>
public sealed class NodeCaptureCredentials
{
    /// <summary>The path of one capture's credentials under the endpoint's base address.</summary>
    public const string PathPrefix = "/node-credentials/v1/captures/";

    /// <summary>The path of one trace's credentials (same body) under the endpoint's base address.</summary>
    public const string TracePathPrefix = "/node-credentials/v1/traces/";

    [JsonPropertyName("blobUploadUrl")]
    public string? BlobUploadUrl { get; set; }

    [JsonPropertyName("s3AccessKeyId")]
    public string? S3AccessKeyId { get; set; }

    [JsonPropertyName("s3SecretAccessKey")]
    public string? S3SecretAccessKey { get; set; }

    /// <summary><c>/node-credentials/v1/captures/{namespace}/{name}/{uid}</c> for an assignment key <c>namespace/name/uid</c>.</summary>
    public static string PathOf(string assignmentKey) =>
        PathPrefix + string.Join('/', assignmentKey.Split('/').Select(Uri.EscapeDataString));

    /// <summary><c>/node-credentials/v1/traces/{namespace}/{name}/{uid}</c> for a trace assignment key <c>namespace/name/uid</c>.</summary>
    public static string TracePathOf(string assignmentKey) =>
        TracePathPrefix + string.Join('/', assignmentKey.Split('/').Select(Uri.EscapeDataString));

    public override string ToString() =>
        $"NodeCaptureCredentials {{ BlobUploadUrl = {(BlobUploadUrl is null ? "null" : "[REDACTED]")}, S3AccessKeyId = {(S3AccessKeyId is null ? "null" : "[REDACTED]")}, S3SecretAccessKey = {(S3SecretAccessKey is null ? "null" : "[REDACTED]")} }}";
}
