using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.ShellSession;

/// <summary>Where the shell is and how to reach it.</summary>
public sealed class ShellSessionStatus : IResourceStatus
{
    /// <summary>Pending, Running, Expired or Failed.</summary>
    [AllowedValues("Pending", "Running", "Expired", "Failed")]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>Accepted and Ready conditions.</summary>
    [MaxItems(16)]
    [JsonPropertyName("conditions")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The generation this status reflects.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>node/NAME or pod/NAME.</summary>
    [JsonPropertyName("target")]
    public string? Target { get; set; }

    /// <summary>Pod that runs the shell (for pod targets, the target pod).</summary>
    [JsonPropertyName("podName")]
    public string? PodName { get; set; }

    /// <summary>When the shell is deleted.</summary>
    [JsonPropertyName("expiresAt")]
    public DateTime? ExpiresAt { get; set; }

    /// <summary>The exact command to open a shell, e.g. kubectl exec -it -n ns pod -- sh.</summary>
    [JsonPropertyName("execCommand")]
    public string? ExecCommand { get; set; }

    /// <summary>The exact command to attach to the shell's terminal.</summary>
    [JsonPropertyName("attachCommand")]
    public string? AttachCommand { get; set; }

    /// <summary>Who created the ShellSession, as the API server reported it.</summary>
    [JsonPropertyName("createdBy")]
    public string? CreatedBy { get; set; }
}
