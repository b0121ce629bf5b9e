using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Capture;

namespace Retina.NodeRuntime.Agent;

/// <summary>Turns a controller's assignment (plus staged credentials) into the capture engine's request. Pure.</summary>
public static class AssignmentRequests
{
    public sealed record Credentials(string? BlobSasUrl, string? S3AccessKeyId, string? S3SecretAccessKey);

    public static CaptureRequest Build(NodeCaptureAssignment a, string nodeName, string? networkNamespace, Credentials credentials)
    {
        var keyParts = a.Key.Split('/');
        return new CaptureRequest
        {
            Namespace = a.Namespace,
            Name = a.Name,
            Uid = keyParts.Length == 3 ? keyParts[2] : "",
            NodeName = nodeName,
            NetworkNamespacePath = networkNamespace,
            Interfaces = a.Interfaces ?? [],
            PcapFilter = a.PcapFilter,
            SourceIPs = a.SourceIps ?? [],
            DestinationIPs = a.DestinationIps ?? [],
            IncludeFilters = a.Include ?? [],
            ExcludeFilters = a.Exclude ?? [],
            PodIPs = a.PodIps ?? [],
            PodEndpoints = a.PodEndpoints ?? [],
            ArtifactTime = a.StartTime is { } st ? new DateTimeOffset(DateTime.SpecifyKind(st, DateTimeKind.Utc)) : null,
            OutputFormat = a.OutputFormat ?? Api.Capture.CaptureOption.DefaultOutputFormat,
            Duration = GoDuration.TryParse(a.Duration, out var d) ? d : null,
            MaxCaptureSizeBytes = (a.MaxCaptureSizeMb ?? Api.Capture.CaptureOption.DefaultMaxCaptureSizeMb) * CaptureRequest.BytesPerMegabyte,
            MaxPackets = a.MaxPackets,
            PacketSize = a.PacketSize is null or 0 ? CaptureRequest.DefaultSnapLength : a.PacketSize.Value,
            FileCount = a.FileCount ?? 1,
            NoPromiscuous = a.NoPromiscuous ?? false,
            PreTriggerSeconds = a.PreTriggerSeconds ?? 0,
            IncludeMetadata = a.IncludeMetadata,
            MetadataScope = a.MetadataScope == NodeCaptureAssignment.MetadataScopeNode ? CaptureMetadataScope.Node : CaptureMetadataScope.Pods,
            CleanUpAfterUpload = a.CleanUpAfterUpload ?? false,
            HostPath = a.HostPath is null ? null : new HostPathOutputTarget(a.HostPath),
            Blob = BlobTarget(credentials),
            S3 = S3Target(a.S3, credentials),
        };
    }

    /// <summary>The Blob output the staged SAS URL names, or null without one. Captures and traces build it here.</summary>
    public static BlobOutputTarget? BlobTarget(Credentials credentials) =>
        credentials.BlobSasUrl is null ? null : new BlobOutputTarget(credentials.BlobSasUrl);

    /// <summary>The S3 output of an assignment's destination with the staged keys (region us-east-1 when unset), or null.</summary>
    public static S3OutputTarget? S3Target(Api.Capture.S3Upload? s3, Credentials credentials) =>
        s3 is not null && credentials.S3AccessKeyId is not null
            ? new S3OutputTarget
            {
                Bucket = s3.Bucket,
                Region = string.IsNullOrEmpty(s3.Region) ? "us-east-1" : s3.Region,
                Endpoint = s3.Endpoint,
                Path = s3.Path,
                AccessKeyId = credentials.S3AccessKeyId,
                SecretAccessKey = credentials.S3SecretAccessKey!,
            }
            : null;

    /// <summary>Artifact kinds of the engine as the API names outputs.</summary>
    public static string OutputName(string kind) => kind switch
    {
        "blob" => "blobUpload",
        "s3" => "s3Upload",
        "pvc" => "persistentVolumeClaim",
        _ => "hostPath",
    };
}
