using Retina.Kube.Client;

namespace Retina.Local.Hosting;

/// <summary>Local mode's settings; every path is on this host.</summary>
public sealed class LocalOptions
{
    public string SourceDirectory { get; set; } = "config/samples/local";

    public string StateDirectory { get; set; } = ".retina/state";

    public string CaptureDirectory { get; set; } = Path.GetFullPath("captures");

    public string MetricsAddress { get; set; } = "127.0.0.1:10093";

    /// <summary>Alertmanager's webhook receiver (CapturePolicy firings), plain HTTP on loopback; null: not served. <c>retina run</c> serves it on 127.0.0.1:10094.</summary>
    public string? AlertWebhookAddress { get; set; }

    /// <summary>The receiver's bearer token, created (mode 0600) at first start; Alertmanager reads it with <c>credentials_file</c>.</summary>
    public string AlertWebhookTokenFile { get; set; } = ".retina/alert-webhook-token";

    public string NodeName { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Where a local ShellSession with hostFilesystem ReadOnly or ReadWrite sees this host's root (created if missing, as an empty mount point).</summary>
    public string ShellHostPath { get; set; } = "/host";

    /// <summary>packetparser runs only while a MetricsConfiguration asks for pod-level metrics.</summary>
    public List<string> Plugins { get; set; } = ["packetforward", "dropreason", "dns", "tcpretrans", "linuxutil", "packetparser"];

    /// <summary>
    /// API server endpoints (<c>address:port</c>, comma-separated) that the apiserverlatency plugin probes from this
    /// host (<c>retina run --apiserver</c>); local mode has no cluster to discover them from. Null: none.
    /// </summary>
    public string? ApiServerEndpoints { get; set; }

    /// <summary>Lines printed under the banner (e.g. what was skipped without root, and why).</summary>
    public List<string> Notices { get; } = [];

    /// <summary>Other services of this process (the node runtime) that run beside the controllers on the same store.</summary>
    public List<Func<IKubeClient, CancellationToken, Task>> ExtraServices { get; } = [];
}
