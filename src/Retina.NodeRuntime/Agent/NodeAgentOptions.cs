namespace Retina.NodeRuntime.Agent;

/// <summary>The node runtime's configuration (section <c>Retina:NodeRuntime</c> of /etc/retina/config.json, plus env).</summary>
public sealed class NodeAgentOptions
{
    public const string Section = "Retina:NodeRuntime";

    /// <summary>This node's name (env NODE_NAME in the DaemonSet).</summary>
    public string NodeName { get; set; } = Environment.GetEnvironmentVariable("NODE_NAME") ?? Environment.MachineName.ToLowerInvariant();

    /// <summary>The runtime's own namespace: the only place it reads Secrets (staged credentials).</summary>
    public string Namespace { get; set; } = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "retina-system";

    /// <summary>
    /// Where /metrics (and /healthz) listen: an overlay chooses, e.g. <c>0.0.0.0:10093</c> (with hostNetwork: the node's
    /// addresses) or <c>127.0.0.1:10093</c> (node-local scrapers only).
    /// </summary>
    public string MetricsAddress { get; set; } = ":10093";

    /// <summary>
    /// <c>None</c> (anyone who reaches the address may scrape) or <c>TokenReview</c>: a scrape needs a bearer token that
    /// a TokenReview accepts and a caller allowed <c>get nodes/metrics</c> on this node; requires the TLS files.
    /// </summary>
    public string MetricsAuthentication { get; set; } = "None";

    /// <summary>PEM certificate and key for https on the metrics listener (required with TokenReview).</summary>
    public string? MetricsTlsCertFile { get; set; }

    public string? MetricsTlsKeyFile { get; set; }

    /// <summary>Base directory of host-path outputs.</summary>
    public string CaptureBaseDirectory { get; set; } = "/var/log/retina/captures";

    /// <summary>Where captures are written while they run (partial captures survive a restart here).</summary>
    public string WorkDirectory { get; set; } = "/var/lib/retina/work";

    /// <summary>Disk allowance shared by all captures on the node.</summary>
    public long DiskBudgetMB { get; set; } = 2048;

    /// <summary>
    /// Free space captures always leave on the capture base's filesystem, in percent of its size (on by default: a node's
    /// log disk is often its root disk, and a full root disk evicts pods). 0 turns the percentage off.
    /// </summary>
    public int MinFreeDiskPercent { get; set; } = 10;

    /// <summary>Free space captures always leave, in MiB, whichever of this and <see cref="MinFreeDiskPercent"/> is larger.</summary>
    public long MinFreeDiskMB { get; set; }

    /// <summary>
    /// Kernel ring memory (MiB) shared by all captures on the node: each capture's packet ring per interface counts, and the
    /// flight recorder's store (FlightRecorderMB) is taken from it at start-up. Keep it under the container's memory limit.
    /// </summary>
    public long CaptureMemoryMB { get; set; } = 256;

    /// <summary>
    /// Endpoints (<c>host</c> or <c>host:port</c>) where blob and S3 uploads may use plain http, for emulators in
    /// local mode and tests; empty (the default): https only.
    /// </summary>
    public List<string> PlainHttpOutputEndpoints { get; set; } = [];

    /// <summary>Delivered host-path tarballs older than this are deleted (never those of captures still assigned here).</summary>
    public double HostPathRetentionHours { get; set; } = 168;

    /// <summary>Delivered host-path tarballs beyond this total (MiB) are deleted, oldest first.</summary>
    public long HostPathRetentionMB { get; set; } = 4096;

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan HostPathRetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Captures running at once on this node; more assignments wait, reported Pending with reason Queued, and start in
    /// assignment order as running ones finish. Each capture holds a packet ring per interface and a writer.
    /// </summary>
    public int MaxConcurrentCaptures { get; set; } = 4;

    /// <summary>
    /// TraceSessions running at once on this node (1 to 64); more wait, Pending with reason Queued. Each running trace holds
    /// one of the kernel's 64 trace slots, under which its ring-full losses are counted.
    /// </summary>
    public int MaxConcurrentTraces { get; set; } = 4;

    /// <summary>In-memory flight recorder kept on at all times, in MiB (0, the default: on only while a CapturePolicy arms it).</summary>
    public long FlightRecorderMB { get; set; }

    /// <summary>
    /// The most memory (MiB) armed CapturePolicies may give this node's flight recorder (NodeRuntime.spec.flightRecorder is
    /// capped at it, and status says so); 0: policies cannot turn it on. Taken from CaptureMemoryMB while on.
    /// </summary>
    public long FlightRecorderMaxMB { get; set; } = 64;

    /// <summary>How often status is written even when nothing changed.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often running captures' counters are reported.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Network namespace the node lives in (tests; null = the host's).</summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>Where the plugin host records attachments that outlive the process.</summary>
    public string PluginStateDirectory { get; set; } = "/run/retina/plugins";

    /// <summary>Where pod identities come from: the API (pods, services, nodes), or — in local mode — this host's
    /// network namespaces, each taken as a pod of namespace "local".</summary>
    public bool PodsFromNetworkNamespaces { get; set; }

    /// <summary>
    /// Remote context (source_/destination_ labels, every pod in the cluster cached on every node) or, the default,
    /// local context (this node's pods only: memory and watch load independent of cluster size). An explicit opt-in.
    /// </summary>
    public bool RemoteContext { get; set; }

    /// <summary>Series cap per pod-level metric; beyond it samples go to the overflow counter.</summary>
    public int MaxSeriesPerMetric { get; set; } = 10_000;

    /// <summary>
    /// API server endpoints (<c>address:port</c>, comma-separated) the apiserverlatency plugin probes besides the
    /// discovered ones; local mode sets it from <c>retina run --apiserver</c>.
    /// </summary>
    public string? ApiServerEndpoints { get; set; }

    /// <summary>Discover the API server endpoints from the <c>kubernetes</c> EndpointSlice in <c>default</c> (off in local mode: no cluster).</summary>
    public bool DiscoverApiServerEndpoints { get; set; } = true;

    /// <summary>The controllers' credential endpoint (default <c>https://retina-controllers-webhook.{Namespace}.svc</c>).</summary>
    public string? CredentialEndpoint { get; set; }

    /// <summary>The projected service-account token for the credential endpoint (audience <c>retina.sh/node-credentials</c>).</summary>
    public string CredentialTokenPath { get; set; } = "/var/run/secrets/retina.sh/node-credentials/token";

    /// <summary>The controllers' CA certificate (the <c>retina-controllers-ca</c> ConfigMap, mounted).</summary>
    public string ControllersCaPath { get; set; } = "/var/run/secrets/retina.sh/controllers-ca/ca.crt";

    public Uri CredentialEndpointUri => new(CredentialEndpoint ?? $"https://retina-controllers-webhook.{Namespace}.svc");

    /// <summary>
    /// Minimum log level (Trace, Debug, Information, Warning, Error, Critical, None) for every category; null: the standard
    /// <c>Logging:LogLevel:Default</c>, else Information. Per-category <c>Logging:LogLevel:&lt;Category&gt;</c> entries still apply.
    /// </summary>
    public string? LogLevel { get; set; }

    /// <summary><see cref="LogLevel"/> parsed; null when unset (or invalid: <see cref="Validate"/> reports it).</summary>
    public Microsoft.Extensions.Logging.LogLevel? MinimumLogLevel => Retina.Kube.Hosting.LogLevels.Parse(LogLevel);

    /// <summary>The free-space floor in bytes for a filesystem of <paramref name="totalBytes"/>: the larger of the percentage and the absolute floor.</summary>
    public long MinFreeBytes(long totalBytes) => Math.Max(totalBytes / 100 * MinFreeDiskPercent, MinFreeDiskMB * 1024 * 1024);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(NodeName))
        {
            problems.Add("NodeName is empty: set NODE_NAME");
        }

        if (!Path.IsPathRooted(CaptureBaseDirectory))
        {
            problems.Add($"{Section}:CaptureBaseDirectory \"{CaptureBaseDirectory}\" must be absolute");
        }

        if (CredentialEndpoint is not null && (!Uri.TryCreate(CredentialEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{Section}:CredentialEndpoint \"{CredentialEndpoint}\" must be an https:// address (credentials never travel in clear)");
        }

        if (LogLevel is not null && MinimumLogLevel is null)
        {
            problems.Add($"{Section}:LogLevel \"{LogLevel}\" is not a log level (one of {Retina.Kube.Hosting.LogLevels.Names})");
        }

        if (DiskBudgetMB <= 0)
        {
            problems.Add($"{Section}:DiskBudgetMB must be positive");
        }

        if (MetricsAuthentication is not ("None" or "TokenReview"))
        {
            problems.Add($"{Section}:MetricsAuthentication \"{MetricsAuthentication}\" must be None or TokenReview");
        }
        else if (MetricsAuthentication == "TokenReview" && (string.IsNullOrEmpty(MetricsTlsCertFile) || string.IsNullOrEmpty(MetricsTlsKeyFile)))
        {
            problems.Add($"{Section}:MetricsAuthentication TokenReview needs MetricsTlsCertFile and MetricsTlsKeyFile: bearer tokens must not cross the network in clear");
        }

        if (MinFreeDiskPercent is < 0 or > 90)
        {
            problems.Add($"{Section}:MinFreeDiskPercent must be between 0 and 90 (got {MinFreeDiskPercent})");
        }

        if (MinFreeDiskMB < 0)
        {
            problems.Add($"{Section}:MinFreeDiskMB must not be negative");
        }

        if (CaptureMemoryMB <= 0)
        {
            problems.Add($"{Section}:CaptureMemoryMB must be positive");
        }
        else if (FlightRecorderMB >= CaptureMemoryMB)
        {
            problems.Add($"{Section}:FlightRecorderMB ({FlightRecorderMB}) must be less than CaptureMemoryMB ({CaptureMemoryMB}): the recorder's store is taken from the capture memory budget");
        }

        // Larger than what the capture memory budget has left, a policy's recorder is reported Failed (MemoryBudgetExceeded) on the node.
        if (FlightRecorderMaxMB < 0)
        {
            problems.Add($"{Section}:FlightRecorderMaxMB ({FlightRecorderMaxMB}) must not be negative (0: policies cannot turn the flight recorder on)");
        }

        if (HostPathRetentionHours <= 0 || HostPathRetentionMB <= 0 || HostPathRetentionInterval <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:HostPathRetentionHours, HostPathRetentionMB and HostPathRetentionInterval must be positive");
        }

        if (MaxConcurrentCaptures < 1)
        {
            problems.Add($"{Section}:MaxConcurrentCaptures must be at least 1 (got {MaxConcurrentCaptures})");
        }

        if (MaxConcurrentTraces < 1)
        {
            problems.Add($"{Section}:MaxConcurrentTraces must be at least 1 (got {MaxConcurrentTraces})");
        }
        else if (MaxConcurrentTraces > Trace.TraceSlots.Capacity)
        {
            problems.Add($"{Section}:MaxConcurrentTraces must be at most {Trace.TraceSlots.Capacity}, the kernel's trace slots (got {MaxConcurrentTraces})");
        }

        foreach (var item in (ApiServerEndpoints ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Plugins.ApiServerLatency.ApiServerLatencySettings.TryParseEndpoint(item, out _))
            {
                problems.Add($"{Section}:ApiServerEndpoints \"{item}\" is not an address:port (e.g. 10.0.0.1:6443)");
            }
        }

        return problems;
    }
}
