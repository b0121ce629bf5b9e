namespace Retina.NodeRuntime.Plugins;

/// <summary>How the plugin host runs on this node.</summary>
public sealed class PluginHostOptions
{
    /// <summary>
    /// Network namespace the "node" lives in: a name under /run/netns or a path. Null: the
    /// runtime's own namespace (the host), where drops and retransmits of every namespace count.
    /// With a namespace set, kernel-wide hooks count only events of that namespace.
    /// </summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>Where the compiled bpf objects are (default: bpf/ beside the runtime binary).</summary>
    public string BpfObjectDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "bpf");

    /// <summary>
    /// Records of attachments that outlive the process (clsact filters), one file per runtime
    /// instance, so the next start can remove what a crashed run left.
    /// </summary>
    public string StateDirectory { get; set; } = "/run/retina/plugins";

    /// <summary>Interfaces to attach to when a plugin's request names none; null: those with a default route (else all but lo).</summary>
    public IReadOnlyList<string>? DefaultInterfaces { get; set; }

    /// <summary>Test hook: forces probe answers by probe name (see <see cref="ProbeNames"/>).</summary>
    public IDictionary<string, ProbeResult> ProbeOverrides { get; } = new Dictionary<string, ProbeResult>();

    /// <summary>Mount tracefs and bpffs when missing (as a DaemonSet's init would).</summary>
    public bool MountKernelFilesystems { get; set; } = true;

    /// <summary>API server endpoints the runtime knows (cluster discovery, configured server), for the apiserverlatency plugin.</summary>
    public ApiServerLatency.ApiServerEndpointSet ApiServerEndpoints { get; set; } = new();

    /// <summary>Records that may wait between a ring buffer and its consumer while it handles one (at least 1); more are counted lost.</summary>
    public int EventChannelCapacity { get; set; } = 8192;
}
