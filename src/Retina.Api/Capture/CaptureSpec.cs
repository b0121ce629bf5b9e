using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.Capture;

/// <summary>What to capture and where the results go.</summary>
public sealed class CaptureSpec
{
    /// <summary>What to capture: targets, filters, limits and whether to bundle network metadata.</summary>
    [Required]
    [JsonPropertyName("captureConfiguration")]
    public CaptureConfiguration CaptureConfiguration { get; set; } = new();

    /// <summary>Where each node's tarball goes: at least one of hostPath, persistentVolumeClaim, blobUpload, s3Upload.</summary>
    [Required]
    [JsonPropertyName("outputConfiguration")]
    public OutputConfiguration OutputConfiguration { get; set; } = new();

    /// <summary>Delete the node's local copy once every remote upload (blob, S3) succeeded. Unlike Retina, the Capture itself is kept: under GitOps a deleted Capture would be re-created and capture again (use ttlSecondsAfterFinished).</summary>
    [JsonPropertyName("cleanUpAfterUpload")]
    public bool? CleanUpAfterUpload { get; set; }

    /// <summary>Delete this Capture this many seconds after it finished (Completed or Failed). Unset keeps it.</summary>
    [Range(0, 2592000)]
    [JsonPropertyName("ttlSecondsAfterFinished")]
    public int? TtlSecondsAfterFinished { get; set; }
}
