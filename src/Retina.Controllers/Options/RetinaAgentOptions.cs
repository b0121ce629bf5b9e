using System.Globalization;
using Retina.Api.Common;

namespace Retina.Controllers.Options;

/// <summary>
/// Retina's agent configuration keys (its <c>retina-config</c> ConfigMap), under Retina's names and meanings, read from
/// the same section as <see cref="RetinaControllerOptions"/> (<c>Retina:Controller:dataSamplingRate</c>…; keys match in any
/// case). The controller turns them into NodeRuntime <c>spec.plugins[].settings</c> (<see cref="AgentKnobs"/>); README
/// "Retina agent configuration keys" maps every Retina key.
/// </summary>
public sealed class RetinaAgentOptions
{
    public static readonly string[] AggregationLevels = ["low", "high"];

    public static readonly string[] TcxModes = ["auto", "always", "off"];

    public static readonly string[] RingBufferModes = ["enabled", "disabled"];

    /// <summary>Pod-level (adv_*) metrics at all: off drops packetparser and every node's spec.metrics.</summary>
    public bool EnablePodLevel { get; set; } = true;

    /// <summary>Pods and namespaces annotated <c>retina.sh: observe</c> get Retina's default pod-level metric set.</summary>
    public bool EnableAnnotations { get; set; }

    /// <summary>TTL of the annotation's series (ours; Retina keeps them): a pod whose annotation is removed loses its series after it.</summary>
    public string AnnotationMetricsTtl { get; set; } = "5m";

    /// <summary>
    /// low (default): packetparser on every pod interface (pod-to-pod traffic on the node is seen); high: on the node's
    /// uplinks only, as Retina attaches only to the host interface, so traffic between pods of one node is not reported.
    /// </summary>
    public string DataAggregationLevel { get; set; } = "low";

    /// <summary>1 in N packets becomes an event (weighted N) for traffic outside the connection table; 1: every packet.</summary>
    public uint DataSamplingRate { get; set; } = 1;

    /// <summary>How often packetparser reports each tracked connection (Go duration; Retina's conntrack report period).</summary>
    public string ConntrackReportInterval { get; set; } = "2s";

    /// <summary>Report traffic of every address, not only this node's pods' (the kernel's address-of-interest lookup is skipped).</summary>
    public bool BypassLookupIPOfInterest { get; set; }

    /// <summary>Entries of packetparser's address-of-interest map (Retina's filter map); 0: packetparser's default.</summary>
    public uint FilterMapMaxEntries { get; set; }

    /// <summary>auto (default: tcx where the kernel has it, else clsact), always (tcx or fail), off (clsact only).</summary>
    public string EnableTCX { get; set; } = "auto";

    /// <summary>enabled or disabled. This runtime has only the ring-buffer transport; disabled is accepted and changes nothing.</summary>
    public string PacketParserRingBuffer { get; set; } = "enabled";

    /// <summary>Bytes of packetparser's event ring buffer: a power of two, at least 4096; 0: packetparser's default.</summary>
    public uint PacketParserRingBufferSize { get; set; }

    /// <summary>Connection metrics (conntrack_* of Retina) from packetparser's connection table.</summary>
    public bool EnableConntrackMetrics { get; set; }

    /// <summary>
    /// Retina's enableRetinaEndpoint (its operator's key): maintain a RetinaEndpoint (the slim projection of a pod) per
    /// pod, which node runtimes in remote context (<c>Retina:NodeRuntime:RemoteContext</c>) watch instead of every full Pod.
    /// </summary>
    public bool EnableRetinaEndpoint { get; set; }

    /// <summary>Retina's plugin list; when set it is the nodes' plugin list (our Plugins key is the same thing).</summary>
    public List<string> EnabledPlugin { get; set; } = [];

    /// <summary>Every problem, each naming its key, so start-up fails with all of them.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var problems = new List<string>();
        if (!AggregationLevels.Contains(DataAggregationLevel.ToLowerInvariant()))
        {
            problems.Add($"{section}:dataAggregationLevel: \"{DataAggregationLevel}\" is not low or high");
        }

        if (DataSamplingRate == 0)
        {
            problems.Add($"{section}:dataSamplingRate: 0 is not a sampling rate (1 reports every packet, N one in N)");
        }

        if (!GoDuration.TryParse(ConntrackReportInterval, out var report) || report <= TimeSpan.Zero)
        {
            problems.Add($"{section}:conntrackReportInterval: \"{ConntrackReportInterval}\" is not a positive duration such as 2s");
        }

        if (!GoDuration.TryParse(AnnotationMetricsTtl, out var ttl) || ttl <= TimeSpan.Zero)
        {
            problems.Add($"{section}:annotationMetricsTtl: \"{AnnotationMetricsTtl}\" is not a positive duration such as 5m");
        }

        if (FilterMapMaxEntries is > 0 and < 64)
        {
            problems.Add($"{section}:filterMapMaxEntries: {FilterMapMaxEntries} is below 64 (0 keeps packetparser's default)");
        }

        if (!TcxModes.Contains(EnableTCX.ToLowerInvariant()))
        {
            problems.Add($"{section}:enableTCX: \"{EnableTCX}\" is not one of {string.Join(", ", TcxModes)}");
        }

        if (!RingBufferModes.Contains(PacketParserRingBuffer.ToLowerInvariant()))
        {
            problems.Add($"{section}:packetParserRingBuffer: \"{PacketParserRingBuffer}\" is not enabled or disabled");
        }

        if (PacketParserRingBufferSize != 0 && (PacketParserRingBufferSize < 4096 || (PacketParserRingBufferSize & (PacketParserRingBufferSize - 1)) != 0))
        {
            problems.Add($"{section}:packetParserRingBufferSize: {PacketParserRingBufferSize.ToString(CultureInfo.InvariantCulture)} is not a power of two of at least 4096 bytes");
        }

        return problems;
    }
}
