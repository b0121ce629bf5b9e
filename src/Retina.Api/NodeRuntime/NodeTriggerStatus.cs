using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.NodeRuntime;

/// <summary>
/// The latest breach episode of one threshold on this node: Firing while the rate stays above the value, Ok once it has
/// fallen back (the episode is kept, with its end, until the next one starts). An episode is named by the node and since.
/// </summary>
public sealed class NodeTriggerStatus
{
    /// <summary>The CapturePolicy, namespace/name.</summary>
    [Required]
    [JsonPropertyName("policy")]
    public string Policy { get; set; } = "";

    /// <summary>The trigger's name in the policy.</summary>
    [Required]
    [JsonPropertyName("trigger")]
    public string Trigger { get; set; } = "";

    /// <summary>Firing (breached now) or Ok (the episode ended).</summary>
    [Required]
    [AllowedValues("Firing", "Ok")]
    [JsonPropertyName("state")]
    public string State { get; set; } = "Ok";

    /// <summary>When the episode started: the end of the first window whose rate was above the value (absent: no episode yet).</summary>
    [JsonPropertyName("since")]
    public DateTime? Since { get; set; }

    /// <summary>When the rate fell back to the value or below (absent while firing).</summary>
    [JsonPropertyName("endedTime")]
    public DateTime? EndedTime { get; set; }

    /// <summary>The per-second rate over the window when the episode started (decimal text, e.g. 812.4).</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }

    /// <summary>Namespace of the pod that contributed most, where the counter knows pods (retransmitRate).</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>The pod that contributed most, where the counter knows pods (retransmitRate).</summary>
    [JsonPropertyName("pod")]
    public string? Pod { get; set; }

    /// <summary>Why the threshold cannot be evaluated on this node (e.g. its plugin is not running); the state stays Ok.</summary>
    [MaxLength(1024)]
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>policy/trigger.</summary>
    [JsonIgnore]
    public string Key => Policy + "/" + Trigger;
}
