using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>Where each node's tarball goes. At least one output; several may be combined.</summary>
[MinProperties(1)]
public sealed class OutputConfiguration
{
    public const string RelativePathPattern = "^[A-Za-z0-9._-][A-Za-z0-9._/-]*$";
    public const string ParentDirPattern = @"(^|/)\.\.(/|$)";

    /// <summary>A directory on the node, relative to the runtime's capture base directory (default /var/log/retina/captures). Absolute paths and '..' are rejected.</summary>
    [MaxLength(253)]
    [RegularExpression(RelativePathPattern)]
    [ForbiddenPattern(ParentDirPattern, "must not contain '..'")]
    [JsonPropertyName("hostPath")]
    public string? HostPath { get; set; }

    /// <summary>Name of a PersistentVolumeClaim in the Capture's namespace; a short copy Job per node, scheduled onto that node by node affinity (so WaitForFirstConsumer claims bind), writes the tarball to it. A claim that is not ReadWriteMany gets one copy at a time; condition CopyPending says what a copy waits for.</summary>
    [MaxLength(253)]
    [RegularExpression(Names.Dns1123SubdomainPattern)]
    [JsonPropertyName("persistentVolumeClaim")]
    public string? PersistentVolumeClaim { get; set; }

    /// <summary>Name of a Secret in the Capture's namespace whose key blob-upload-url holds an Azure Blob container SAS URL.</summary>
    [MaxLength(253)]
    [RegularExpression(Names.Dns1123SubdomainPattern)]
    [JsonPropertyName("blobUpload")]
    public string? BlobUpload { get; set; }

    /// <summary>Upload to an S3-compatible bucket.</summary>
    [JsonPropertyName("s3Upload")]
    public S3Upload? S3Upload { get; set; }
}
