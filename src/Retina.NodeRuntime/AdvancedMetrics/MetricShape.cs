using System.Globalization;
using Retina.Api.Common;
using Retina.Api.MetricsConfiguration;
using Retina.NodeRuntime.Enrichment;

namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>
/// The label set of one pod-level metric as a MetricsConfiguration context option asks for it,
/// and how a flow's ends become label values. Pure: built and tested without any I/O.
/// </summary>
/// <remarks>
/// Label values follow Retina's metrics module (<c>pkg/module/metrics/types.go</c>) so that its
/// pod-level dashboard, which splits traffic on <c>podname="unknown"</c> / <c>!="unknown"</c>, works:
/// <list type="bullet">
/// <item><c>ip</c> is always the address, resolved or not.</item>
/// <item><c>namespace</c>, <c>podname</c>: the pod's, or <see cref="Unknown"/> when the address names
/// no pod in the enrichment cache — an address outside the cluster, a Service IP, and this or another
/// node's own address (Retina's cache knows node addresses, but its enricher makes no endpoint of a
/// node, so host traffic is labelled like any other unresolved address; host-network pods name no
/// address either).</item>
/// <item><c>workload_kind</c>, <c>workload_name</c>: the owning workload, or <see cref="Unknown"/> for
/// both when the address names no pod or the pod has no owner.</item>
/// <item><c>service</c>: the selecting Service, or <see cref="Unknown"/> (Retina writes it whenever the
/// flow carries no service).</item>
/// <item><c>port</c>: the TCP or UDP port; <see cref="Unknown"/> for protocols without ports (Retina
/// writes it when the flow has no layer 4; for ICMP it writes no value at all, which we do not copy).</item>
/// <item><c>zone</c>: the zone of the pod's node, or <see cref="Unknown"/> when the address names no
/// pod or its node has no zone label (Retina's fallback for both).</item>
/// </list>
/// No context label is ever empty.
/// </remarks>
public sealed class MetricShape
{
    /// <summary>The value of a context label that cannot be resolved, as in Retina.</summary>
    public const string Unknown = "unknown";

    private const byte Tcp = 6;
    private const byte Udp = 17;

    private readonly string[] ownLabels;
    private readonly string[] sourceTokens;
    private readonly string[] destinationTokens;
    private readonly bool direction;
    private readonly bool isReply;

    private MetricShape(string metricName, bool remote, string[] sourceTokens, string[] destinationTokens, bool direction, bool isReply, TimeSpan? ttl)
    {
        MetricName = metricName;
        ExportedName = AdvancedMetricNames.Exported[metricName];
        Remote = remote;
        ownLabels = AdvancedMetricNames.OwnLabels(metricName);
        this.sourceTokens = sourceTokens;
        this.destinationTokens = destinationTokens;
        this.direction = direction;
        this.isReply = isReply;
        Ttl = ttl;

        var names = new List<string>(ownLabels);
        if (remote)
        {
            names.AddRange(Expand(sourceTokens, "source_"));
            names.AddRange(Expand(destinationTokens, "destination_"));
        }
        else
        {
            names.AddRange(Expand(sourceTokens, ""));
        }

        if (direction)
        {
            names.Add(MetricLabels.Direction);
        }

        if (isReply)
        {
            names.Add(MetricLabels.IsReply);
        }

        LabelNames = names.ToArray();
        SourceIdentifiesPod = sourceTokens.Contains(MetricLabels.PodName) || sourceTokens.Contains(MetricLabels.Ip);
        DestinationIdentifiesPod = destinationTokens.Contains(MetricLabels.PodName) || destinationTokens.Contains(MetricLabels.Ip);
    }

    /// <summary>Retina's name, e.g. forward_count.</summary>
    public string MetricName { get; }

    /// <summary>Exported name without prefix, e.g. adv_forward_count.</summary>
    public string ExportedName { get; }

    public bool Remote { get; }

    public string[] LabelNames { get; }

    /// <summary>Series not updated within this time are removed; null keeps them.</summary>
    public TimeSpan? Ttl { get; }

    /// <summary>Whether a series names one pod at its source end (in local context: the local pod).</summary>
    public bool SourceIdentifiesPod { get; }

    public bool DestinationIdentifiesPod { get; }

    /// <summary>The shape of a context option, or null when the metric is not a pod-level one.</summary>
    public static MetricShape? From(MetricsContextOptions option, bool remote)
    {
        if (!AdvancedMetricNames.Exported.ContainsKey(option.MetricName))
        {
            return null;
        }

        var src = Order(option.SourceLabels);
        var dst = Order(option.DestinationLabels);
        if (!remote)
        {
            // One end only: the union of both token lists describes the local pod.
            src = Order(src.Concat(dst));
            dst = src;
        }

        var additional = MetricLabels.Additional(option.AdditionalLabels);
        TimeSpan? ttl = GoDuration.TryParse(option.Ttl, out var t) && t > TimeSpan.Zero ? t : null;
        return new MetricShape(option.MetricName, remote, src, dst, additional.Contains(MetricLabels.Direction), additional.Contains(MetricLabels.IsReply), ttl);
    }

    /// <summary>True when both shapes export the same label names (their series can be kept).</summary>
    public bool SameLabels(MetricShape other) => LabelNames.AsSpan().SequenceEqual(other.LabelNames);

    /// <summary>The label values for one observation; <paramref name="own"/> fills the metric's own labels (reason, flag…).</summary>
    public string[] Values(in FlowSample f, PodInfo? src, PodInfo? dst, ReadOnlySpan<string> own)
    {
        var values = new string[LabelNames.Length];
        var i = 0;
        for (var k = 0; k < ownLabels.Length; k++)
        {
            values[i++] = k < own.Length ? own[k] : "";
        }

        if (Remote)
        {
            i = Fill(values, i, sourceTokens, f.Source, f.SourcePort, f.Protocol, src);
            i = Fill(values, i, destinationTokens, f.Destination, f.DestinationPort, f.Protocol, dst);
        }
        else if (f.Direction == TrafficDirection.Egress)
        {
            i = Fill(values, i, sourceTokens, f.Source, f.SourcePort, f.Protocol, src);
        }
        else
        {
            i = Fill(values, i, sourceTokens, f.Destination, f.DestinationPort, f.Protocol, dst);
        }

        if (direction)
        {
            values[i++] = f.Direction == TrafficDirection.Egress ? "egress" : "ingress";
        }

        if (isReply)
        {
            values[i] = f.IsReply ? "true" : "false";
        }

        return values;
    }

    private static int Fill(string[] values, int i, string[] tokens, IpKey ip, ushort port, byte protocol, PodInfo? pod)
    {
        foreach (var t in tokens)
        {
            switch (t)
            {
                case MetricLabels.Ip:
                    values[i++] = ip.ToString();
                    break;
                case MetricLabels.Namespace:
                    values[i++] = Known(pod?.Namespace);
                    break;
                case MetricLabels.PodName:
                    values[i++] = Known(pod?.Name);
                    break;
                case MetricLabels.Workload:
                    // Kind and name together: a name without its kind would mislead.
                    var owned = pod is { WorkloadKind.Length: > 0, WorkloadName.Length: > 0 };
                    values[i++] = owned ? pod!.WorkloadKind : Unknown;
                    values[i++] = owned ? pod!.WorkloadName : Unknown;
                    break;
                case MetricLabels.Service:
                    values[i++] = Known(pod?.Service);
                    break;
                case MetricLabels.Port:
                    values[i++] = protocol is Tcp or Udp ? port.ToString(CultureInfo.InvariantCulture) : Unknown;
                    break;
                case MetricLabels.Zone:
                    values[i++] = Known(pod?.Zone);
                    break;
            }
        }

        return i;
    }

    private static string Known(string? value) => string.IsNullOrEmpty(value) ? Unknown : value;

    private static string[] Order(IEnumerable<string>? tokens) => [.. MetricLabels.Context(tokens)];

    private static IEnumerable<string> Expand(string[] tokens, string prefix)
    {
        foreach (var t in tokens)
        {
            if (t == MetricLabels.Workload)
            {
                yield return prefix + "workload_kind";
                yield return prefix + "workload_name";
            }
            else
            {
                yield return prefix + t;
            }
        }
    }
}
