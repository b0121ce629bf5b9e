using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.Capture;

/// <summary>One delivered tarball.</summary>
public sealed class CaptureArtifact
{
    /// <summary>Node that produced it.</summary>
    [Required]
    [JsonPropertyName("node")]
    public string Node { get; set; } = "";

    /// <summary>Output kind: hostPath, persistentVolumeClaim, blobUpload or s3Upload.</summary>
    [Required]
    [AllowedValues("hostPath", "persistentVolumeClaim", "blobUpload", "s3Upload")]
    [JsonPropertyName("output")]
    public string Output { get; set; } = "";

    /// <summary>Where it is: a path on the node or volume, or a URL without credentials.</summary>
    [Required]
    [JsonPropertyName("location")]
    public string Location { get; set; } = "";

    /// <summary>Size in bytes.</summary>
    [JsonPropertyName("sizeBytes")]
    public long? SizeBytes { get; set; }

    /// <summary>SHA-256 of the tarball, hex.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }
}
