using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;

namespace Retina.Api.Capture;

/// <summary>An S3-compatible destination; credentials come from a Secret with keys s3-access-key-id and s3-secret-access-key.</summary>
public sealed class S3Upload
{
    /// <summary>Endpoint URL of an S3-compatible service; empty means AWS S3 in the region.</summary>
    [MaxLength(2048)]
    [RegularExpression(@"^\S+$")]
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>Bucket to store the tarballs in.</summary>
    [Required]
    [MaxLength(63)]
    [RegularExpression(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    [JsonPropertyName("bucket")]
    public string Bucket { get; set; } = "";

    /// <summary>Name of the Secret (in the Capture's namespace) with keys s3-access-key-id and s3-secret-access-key.</summary>
    [Required]
    [MaxLength(253)]
    [RegularExpression(Names.Dns1123SubdomainPattern)]
    [JsonPropertyName("secretName")]
    public string SecretName { get; set; } = "";

    /// <summary>Region of the bucket.</summary>
    [MaxLength(64)]
    [JsonPropertyName("region")]
    public string? Region { get; set; }

    /// <summary>Key prefix inside the bucket, e.g. retina/captures.</summary>
    [MaxLength(512)]
    [RegularExpression(OutputConfiguration.RelativePathPattern)]
    [JsonPropertyName("path")]
    public string? Path { get; set; }
}
