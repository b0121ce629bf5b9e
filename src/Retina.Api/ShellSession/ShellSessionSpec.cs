using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.ShellSession;

/// <summary>Where the shell runs, with which image and privileges, and for how long.</summary>
[Requires("allowHostFilesystemWrite", "mountHostFilesystem")]
public sealed class ShellSessionSpec
{
    /// <summary>A node (the shell runs in the host network) or a pod (the shell is an ephemeral container in it).</summary>
    [Required]
    [JsonPropertyName("target")]
    public ShellTarget Target { get; set; } = new();

    /// <summary>Container image with the troubleshooting tools; default set by the cluster admin.</summary>
    [MaxLength(512)]
    [RegularExpression(@"^[^\s]+$")]
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    /// <summary>
    /// A fixed recipe of capabilities and flags: restricted, baseline (default), general, netadmin, sysadmin (as kubectl debug)
    /// or bpf (bpftool, bpftrace; needs seccomp and AppArmor unconfined). The cluster admin chooses which are allowed.
    /// </summary>
    [AllowedValues("restricted", "baseline", "general", "netadmin", "sysadmin", "bpf")]
    [JsonPropertyName("profile")]
    public string? Profile { get; set; }

    /// <summary>Linux capabilities added to the profile's, on a container that drops ALL (e.g. NET_ADMIN, NET_RAW); the cluster admin's allow-list applies.</summary>
    [MaxItems(16)]
    [ItemValues("NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE", "SYS_PTRACE", "SYS_ADMIN", "SYS_RESOURCE", "BPF", "PERFMON",
        "DAC_OVERRIDE", "DAC_READ_SEARCH", "KILL", "SETUID", "SETGID", "CHOWN", "FOWNER")]
    [JsonPropertyName("capabilities")]
    public List<string>? Capabilities { get; set; }

    /// <summary>Share the host's PID namespace (node shells only).</summary>
    [JsonPropertyName("hostPID")]
    public bool? HostPid { get; set; }

    /// <summary>The node's root filesystem at /host: None (default), ReadOnly or ReadWrite (node shells only).</summary>
    [AllowedValues("None", "ReadOnly", "ReadWrite")]
    [JsonPropertyName("hostFilesystem")]
    public string? HostFilesystem { get; set; }

    /// <summary>Deprecated, use hostFilesystem: ReadOnly. Mount the node's root filesystem at /host, read-only unless allowHostFilesystemWrite.</summary>
    [JsonPropertyName("mountHostFilesystem")]
    public bool? MountHostFilesystem { get; set; }

    /// <summary>Deprecated, use hostFilesystem: ReadWrite. Mount /host read-write. Requires mountHostFilesystem.</summary>
    [JsonPropertyName("allowHostFilesystemWrite")]
    public bool? AllowHostFilesystemWrite { get; set; }

    /// <summary>Run without a seccomp profile (Retina's --seccomp-unconfined); default: what the profile needs (true for bpf). The cluster admin may refuse it.</summary>
    [JsonPropertyName("seccompUnconfined")]
    public bool? SeccompUnconfined { get; set; }

    /// <summary>Run without an AppArmor profile (Retina's --apparmor-unconfined); default: what the profile needs (true for bpf). The cluster admin may refuse it.</summary>
    [JsonPropertyName("apparmorUnconfined")]
    public bool? AppArmorUnconfined { get; set; }

    /// <summary>End the shell after this long without input at its prompt (Go duration, e.g. 10m); unset: only the TTL ends it.</summary>
    [Duration]
    [JsonPropertyName("idleTimeout")]
    public string? IdleTimeout { get; set; }

    /// <summary>How long the shell may live (Go duration, e.g. 30m); capped by the cluster admin (default cap 4h). Required.</summary>
    [Required]
    [Duration]
    [JsonPropertyName("ttl")]
    public string Ttl { get; set; } = "";
}
