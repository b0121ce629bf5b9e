using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.ShellSession;

/// <summary>Where the shell is and how to reach it.</summary>
public sealed class ShellSessionStatus : IResourceStatus
{
    /// <summary>Pending, Running, then Expired (TTL or idle timeout), Completed (the shell exited) or Failed.</summary>
    [AllowedValues("Pending", "Running", "Expired", "Completed", "Failed")]
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

    /// <summary>The ephemeral container of a pod shell (its name in the target pod).</summary>
    [JsonPropertyName("containerName")]
    public string? ContainerName { get; set; }

    /// <summary>The profile the shell runs with (spec.profile, or the default).</summary>
    [JsonPropertyName("profile")]
    public string? Profile { get; set; }

    /// <summary>Every capability the shell holds: the profile's plus spec.capabilities.</summary>
    [MaxItems(41)]
    [JsonPropertyName("capabilities")]
    public List<string>? Capabilities { get; set; }

    /// <summary>None, ReadOnly or ReadWrite: the host filesystem at /host.</summary>
    [JsonPropertyName("hostFilesystem")]
    public string? HostFilesystem { get; set; }

    /// <summary>Seccomp and AppArmor as applied, e.g. "seccomp=RuntimeDefault apparmor=Unconfined".</summary>
    [JsonPropertyName("confinement")]
    public string? Confinement { get; set; }

    /// <summary>The image the shell runs (spec.image, or the cluster's default).</summary>
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    /// <summary>When the shell started running.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>When the shell ended (expired, exited or failed).</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>What was removed when the shell ended, or why something could not be (an ephemeral container stays in its pod).</summary>
    [JsonPropertyName("cleanup")]
    public string? Cleanup { get; set; }

    /// <summary>Who created the ShellSession, as the API server reported it (the retina.sh/requested-by annotation).</summary>
    [JsonPropertyName("createdBy")]
    public string? CreatedBy { get; set; }
}
