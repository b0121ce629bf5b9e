using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Capture;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>What to capture when a trigger fires, and how often it may fire.</summary>
public sealed class CapturePolicySpec
{
    /// <summary>The Capture spec each firing creates; its target may be filled from the alert's labels.</summary>
    [Required]
    [JsonPropertyName("captureTemplate")]
    public CaptureSpec CaptureTemplate { get; set; } = new();

    /// <summary>What fires the policy: alerts by name and label matchers, or node-local thresholds.</summary>
    [Required]
    [MinItems(1)]
    [MaxItems(16)]
    [JsonPropertyName("triggers")]
    public List<CaptureTrigger> Triggers { get; set; } = [];

    /// <summary>Which alert labels name the namespace, pod and node to capture.</summary>
    [JsonPropertyName("targetFromAlertLabels")]
    public AlertLabelMapping? TargetFromAlertLabels { get; set; }

    /// <summary>Minimum time between two firings (Go duration, 10s to 24h; default 10m).</summary>
    [Duration]
    [JsonPropertyName("cooldown")]
    public string? Cooldown { get; set; }

    /// <summary>At most this many child Captures running at once (default 1).</summary>
    [Range(1, 10)]
    [JsonPropertyName("maxConcurrent")]
    public int? MaxConcurrent { get; set; }

    /// <summary>At most this many firings in any hour (default 4).</summary>
    [Range(1, 60)]
    [JsonPropertyName("maxPerHour")]
    public int? MaxPerHour { get; set; }

    /// <summary>Stop firing without deleting the policy.</summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; set; }

    /// <summary>
    /// Stop a child Capture early when what fired it ends: its alert is posted resolved, or the node's threshold breach is
    /// over. The child is finalised as usual (artifact delivered, phase Completed, reason StoppedOnResolved). Default false:
    /// children run for their template's duration.
    /// </summary>
    [JsonPropertyName("stopOnResolved")]
    public bool? StopOnResolved { get; set; }

    /// <summary>
    /// With captureTemplate.captureOption.preTriggerSeconds: memory (MiB) the flight recorder of each node the policy may
    /// target keeps while the policy is armed (default 32; the node caps it at its FlightRecorderMaxMB).
    /// </summary>
    [Range(1, 4096)]
    [JsonPropertyName("preTriggerBufferMB")]
    public int? PreTriggerBufferMB { get; set; }
}
