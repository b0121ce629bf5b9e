using Retina.Api.Common;
using Retina.Api.ShellSession;

namespace Retina.Controllers.Options;

/// <summary>The controllers' configuration (section <c>Retina:Controller</c> of /etc/retina/config.json).</summary>
public sealed class RetinaControllerOptions
{
    public const string Section = "Retina:Controller";

    public static readonly string[] KnownPlugins = ["packetforward", "dropreason", "dns", "tcpretrans", "linuxutil", "packetparser", "apiserverlatency"];

    /// <summary>In <see cref="CrossNamespaceCapture"/>: every namespace.</summary>
    public const string AnyNamespace = "*";

    public static readonly string[] KnownOutputs = ["hostPath", "persistentVolumeClaim", "blobUpload", "s3Upload"];

    /// <summary>Plugins every node runs (unset or empty: the five basic plugins).</summary>
    public List<string> Plugins { get; set; } = ["packetforward", "dropreason", "dns", "tcpretrans", "linuxutil"];

    /// <summary>Base directory of host-path outputs on the nodes.</summary>
    public string CaptureHostPathBase { get; set; } = "/var/log/retina/captures";

    /// <summary>
    /// Most nodes one Capture may run on (Retina's captureJobNumLimit); 0: no limit, as in Retina. A Capture whose target
    /// resolves to more nodes fails with reason TooManyNodes, naming the count and the limit.
    /// </summary>
    public int MaxNodesPerCapture { get; set; }

    /// <summary>
    /// How long a node runtime that has not reported since a capture was assigned to it (a runtime starting or a
    /// DaemonSet rollout) is waited for, Pending with reason WaitingForNodeRuntime, before its part fails.
    /// </summary>
    public string NodeRuntimeGrace { get; set; } = "2m";

    public TimeSpan NodeRuntimeGraceSpan => GoDuration.TryParse(NodeRuntimeGrace, out var g) ? g : TimeSpan.FromMinutes(2);

    /// <summary>
    /// Least time between two TraceSession status writes that only move counters and top lists (a phase or condition
    /// change is written at once): bounds the status write rate of a busy trace.
    /// </summary>
    public string TraceStatusInterval { get; set; } = "5s";

    public TimeSpan TraceStatusIntervalSpan => GoDuration.TryParse(TraceStatusInterval, out var i) ? i : TimeSpan.FromSeconds(5);

    /// <summary>Outputs this cluster allows (e.g. only hostPath on a laptop cluster).</summary>
    public List<string> AllowedOutputs { get; set; } = [.. KnownOutputs];

    /// <summary>Longest ShellSession TTL (Go duration).</summary>
    public string ShellMaxTtl { get; set; } = GoDuration.Format(ShellSessionValidator.DefaultMaxTtl);

    /// <summary>Profiles a ShellSession may name (unset or empty: all of them).</summary>
    public List<string> ShellAllowedProfiles { get; set; } = [.. ShellProfiles.Names];

    /// <summary>Capabilities a ShellSession's spec.capabilities may add on top of its profile (empty: none).</summary>
    public List<string> ShellAllowedCapabilities { get; set; } = [.. ShellPolicy.Default.AllowedCapabilities];

    /// <summary>Images a ShellSession's spec.image may name besides <see cref="ShellImage"/>: exact references or prefixes ending in <c>*</c> (empty: only ShellImage).</summary>
    public List<string> ShellAllowedImages { get; set; } = [];

    /// <summary>The shell image used when spec.image is unset (images/shell/Dockerfile).</summary>
    public string ShellImage { get; set; } = ShellPolicy.Default.DefaultImage;

    /// <summary>Whether shells may run without seccomp confinement (the bpf profile needs it).</summary>
    public bool ShellAllowSeccompUnconfined { get; set; } = true;

    /// <summary>Whether shells may run without AppArmor confinement (the bpf profile needs it).</summary>
    public bool ShellAllowAppArmorUnconfined { get; set; } = true;

    /// <summary>False in local mode, which runs node shells as processes of this host instead of pods.</summary>
    public bool ShellSessionPods { get; set; } = true;

    /// <summary>The ShellSession policy these options describe (admission and the reconciler both judge with it).</summary>
    public ShellPolicy ShellPolicy => new()
    {
        MaxTtl = ShellMaxTtlSpan,
        AllowedProfiles = ShellAllowedProfiles,
        AllowedCapabilities = ShellAllowedCapabilities,
        AllowedImages = ShellAllowedImages,
        DefaultImage = ShellImage,
        AllowSeccompUnconfined = ShellAllowSeccompUnconfined,
        AllowAppArmorUnconfined = ShellAllowAppArmorUnconfined,
    };

    /// <summary>Retina's agent keys, bound from this same section under Retina's names (see <see cref="RetinaAgentOptions"/>).</summary>
    public RetinaAgentOptions Agent { get; set; } = new();

    /// <summary>Limits node-threshold firings share with the Alertmanager receiver (its namespace budget); set from Retina:AlertWebhook.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public AlertWebhookOptions AlertFiring { get; set; } = new();

    public bool LeaderElection { get; set; } = true;

    public string HealthAddress { get; set; } = "0.0.0.0:8080";

    public string WebhookAddress { get; set; } = "0.0.0.0:9443";

    /// <summary>
    /// Namespaces whose pods Captures of other namespaces may reach with a namespaceSelector (<c>*</c>: any namespace).
    /// A cluster admin's cap applied on top of RBAC, checked against each TARGETED namespace when the target is resolved:
    /// admission already requires the author's <c>create captures</c> there; this list can only narrow that. Empty: no
    /// Capture reaches outside its own namespace by namespaceSelector.
    /// </summary>
    public List<string> CrossNamespaceCapture { get; set; } = [];

    /// <summary>True when Captures of other namespaces may capture pods of <paramref name="targetNamespace"/> (see <see cref="CrossNamespaceCapture"/>).</summary>
    public bool AllowsCrossNamespaceCaptureOf(string targetNamespace) =>
        CrossNamespaceCapture.Contains(AnyNamespace, StringComparer.Ordinal) || CrossNamespaceCapture.Contains(targetNamespace, StringComparer.Ordinal);

    /// <summary>Image of the PVC copy Job (needs only <c>cp</c>).</summary>
    public string CopyJobImage { get; set; } = "busybox:1.36";

    /// <summary>The node runtime's service account (in <see cref="Namespace"/>): the only one the credential endpoint answers.</summary>
    public string NodeRuntimeServiceAccount { get; set; } = "retina-node-runtime";

    /// <summary>
    /// The audience of the node runtime's projected token for the credential endpoint. A token for this audience is
    /// refused by the API server, and the API server's own tokens are refused here.
    /// </summary>
    public string NodeCredentialAudience { get; set; } = "retina.sh/node-credentials";

    /// <summary>Namespace the controllers and node runtimes run in (Leases, copy Jobs, the webhook's TLS).</summary>
    public string Namespace { get; set; } = "retina-system";

    /// <summary>
    /// Minimum log level (Trace, Debug, Information, Warning, Error, Critical, None) for every category; null: the standard
    /// <c>Logging:LogLevel:Default</c>, else Information. Per-category <c>Logging:LogLevel:&lt;Category&gt;</c> entries still apply.
    /// </summary>
    public string? LogLevel { get; set; }

    /// <summary><see cref="LogLevel"/> parsed by name (case-insensitive, no numbers); null when unset or invalid (<see cref="Validate"/> reports it).</summary>
    public Microsoft.Extensions.Logging.LogLevel? MinimumLogLevel => Retina.Kube.Hosting.LogLevels.Parse(LogLevel);

    /// <summary>
    /// Binds the section. Lists are bound onto empty lists and defaulted afterwards: the configuration binder adds to a
    /// list that already holds items, so a configured plugin list would otherwise be appended to the defaults.
    /// </summary>
    public static RetinaControllerOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var defaults = new RetinaControllerOptions();
        var options = new RetinaControllerOptions { Plugins = [], AllowedOutputs = [], CrossNamespaceCapture = [], ShellAllowedProfiles = [], ShellAllowedCapabilities = [], ShellAllowedImages = [] };
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), options);
        var agent = new RetinaAgentOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), agent);
        options.Agent = agent;
        if (options.Plugins.Count == 0)
        {
            options.Plugins = agent.EnabledPlugin.Count > 0 ? [.. agent.EnabledPlugin] : defaults.Plugins;
        }

        if (options.AllowedOutputs.Count == 0)
        {
            options.AllowedOutputs = defaults.AllowedOutputs;
        }

        if (options.ShellAllowedProfiles.Count == 0)
        {
            options.ShellAllowedProfiles = defaults.ShellAllowedProfiles;
        }

        // An empty capability list is a choice ("profiles only"): only an absent key gets the defaults.
        if (!Microsoft.Extensions.Configuration.ConfigurationExtensions.Exists(configuration.GetSection(Section + ":" + nameof(ShellAllowedCapabilities))))
        {
            options.ShellAllowedCapabilities = defaults.ShellAllowedCapabilities;
        }

        return options;
    }

    /// <summary>Every problem with the options, so start-up fails with all of them at once.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (LogLevel is not null && MinimumLogLevel is null)
        {
            problems.Add($"{Section}:LogLevel: \"{LogLevel}\" is not a log level (one of {Retina.Kube.Hosting.LogLevels.Names})");
        }

        problems.AddRange(Agent.Validate(Section));
        foreach (var p in Plugins.Where(p => !KnownPlugins.Contains(p, StringComparer.Ordinal)))
        {
            problems.Add($"{Section}:Plugins: unknown plugin \"{p}\" (known: {string.Join(", ", KnownPlugins)})");
        }

        foreach (var o in AllowedOutputs.Where(o => !KnownOutputs.Contains(o, StringComparer.Ordinal)))
        {
            problems.Add($"{Section}:AllowedOutputs: unknown output \"{o}\" (known: {string.Join(", ", KnownOutputs)})");
        }

        if (!GoDuration.TryParse(ShellMaxTtl, out var ttl) || ttl <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:ShellMaxTtl: \"{ShellMaxTtl}\" is not a positive duration");
        }

        if (MaxNodesPerCapture < 0)
        {
            problems.Add($"{Section}:MaxNodesPerCapture: {MaxNodesPerCapture} must be 0 (no limit) or more");
        }

        if (!GoDuration.TryParse(NodeRuntimeGrace, out var grace) || grace <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:NodeRuntimeGrace: \"{NodeRuntimeGrace}\" is not a positive duration");
        }

        if (!GoDuration.TryParse(TraceStatusInterval, out var traceInterval) || traceInterval <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:TraceStatusInterval: \"{TraceStatusInterval}\" is not a positive duration");
        }

        foreach (var p in ShellAllowedProfiles.Where(p => ShellProfiles.Find(p) is null))
        {
            problems.Add($"{Section}:ShellAllowedProfiles: unknown profile \"{p}\" (known: {string.Join(", ", ShellProfiles.Names)})");
        }

        foreach (var c in ShellAllowedCapabilities.Where(c => !ShellCapabilityNames.Contains(c, StringComparer.Ordinal)))
        {
            problems.Add($"{Section}:ShellAllowedCapabilities: \"{c}\" is not a capability spec.capabilities accepts (known: {string.Join(", ", ShellCapabilityNames)})");
        }

        foreach (var image in ShellAllowedImages.Append(ShellImage).Where(i => string.IsNullOrWhiteSpace(i) || i.Any(char.IsWhiteSpace) || i.IndexOf('*') is >= 0 and var at && at != i.Length - 1))
        {
            problems.Add($"{Section}:ShellAllowedImages/ShellImage: \"{image}\" is not an image reference (a trailing * is the only wildcard)");
        }

        if (!Path.IsPathRooted(CaptureHostPathBase))
        {
            problems.Add($"{Section}:CaptureHostPathBase: \"{CaptureHostPathBase}\" must be an absolute path");
        }

        foreach (var ns in CrossNamespaceCapture.Where(n => n != AnyNamespace && !System.Text.RegularExpressions.Regex.IsMatch(n, Names.Dns1123LabelPattern)))
        {
            problems.Add($"{Section}:CrossNamespaceCapture: \"{ns}\" is neither a namespace name nor \"{AnyNamespace}\"");
        }

        return problems;
    }

    /// <summary>The capability names spec.capabilities accepts (its schema's list).</summary>
    public static IReadOnlyList<string> ShellCapabilityNames { get; } =
        ((Retina.Api.Schema.ItemValuesAttribute)typeof(ShellSessionSpec).GetProperty(nameof(ShellSessionSpec.Capabilities))!
            .GetCustomAttributes(typeof(Retina.Api.Schema.ItemValuesAttribute), false)[0]).Values.ToList();

    public TimeSpan ShellMaxTtlSpan => GoDuration.TryParse(ShellMaxTtl, out var t) ? t : ShellSessionValidator.DefaultMaxTtl;
}
