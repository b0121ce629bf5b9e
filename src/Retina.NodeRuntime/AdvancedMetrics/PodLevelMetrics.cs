using System.Runtime.CompilerServices;
using Prometheus;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;
using Retina.NodeRuntime.Plugins.Dns;

namespace Retina.NodeRuntime.AdvancedMetrics;

/// <summary>
/// The pod-level <c>adv_*</c> metrics, shaped by the merged MetricsConfigurations
/// (<see cref="NodeMetricsSpec"/>) and exported through the node's <see cref="NodeMetrics"/>
/// registry beside the node-level metrics. <see cref="Apply"/> re-shapes them at run time
/// without touching node-level metrics. Series expire after their metric's ttl, disappear with
/// their pod, and stop growing at <see cref="AdvancedMetricsOptions.MaxSeriesPerMetric"/> per
/// metric (samples beyond are counted in an overflow counter, and the metric is listed in
/// <see cref="CappedMetrics"/>). A context label that cannot be resolved is <c>unknown</c>, never empty
/// (<see cref="MetricShape"/> lists each label's rule).
/// </summary>
public sealed class PodLevelMetrics : IDisposable
{
    private static readonly ConditionalWeakTable<NodeMetrics, PodLevelMetrics> Attached = new();

    private readonly object gate = new();
    private readonly NodeMetrics metrics;
    private readonly AdvancedMetricsOptions options;
    private readonly TimeProvider time;
    private readonly SeriesStore store;
    private readonly LabelCap dnsQueries;
    private readonly System.Threading.ITimer sweepTimer;
    private NamespaceFilter filter = NamespaceFilter.All;
    private ObservedFilter observed = ObservedFilter.None;
    private bool disposed;

    /// <param name="metrics">The node's metrics; the adv_* series are created in its registry.</param>
    /// <param name="cache">IP → pod, for the context labels; pod deletions remove the pod's series.</param>
    /// <param name="options">Context mode and bounds.</param>
    /// <param name="timeProvider">Time for ttl (tests pass a fake).</param>
    public PodLevelMetrics(NodeMetrics metrics, EnrichmentCache cache, AdvancedMetricsOptions? options = null, TimeProvider? timeProvider = null)
    {
        this.metrics = metrics;
        Cache = cache;
        this.options = options ?? new AdvancedMetricsOptions();
        time = timeProvider ?? TimeProvider.System;
        store = new SeriesStore(Prometheus.Metrics.WithCustomRegistry(metrics.Registry), this.options.MaxSeriesPerMetric, time);
        dnsQueries = new LabelCap(this.options.MaxDnsQueryNames);
        cache.PodRemoved += OnPodRemoved;
        metrics.Registry.AddBeforeCollectCallback(BeforeCollect);
        sweepTimer = time.CreateTimer(_ => Sweep(), null, this.options.SweepInterval, this.options.SweepInterval);
        Attached.AddOrUpdate(metrics, this);
    }

    /// <summary>The pod-level metrics attached to a node's metrics (how the packetparser plugin finds them), or null.</summary>
    public static PodLevelMetrics? For(NodeMetrics metrics) => Attached.TryGetValue(metrics, out var a) && !a.disposed ? a : null;

    public EnrichmentCache Cache { get; }

    public AdvancedMetricsOptions Options => options;

    /// <summary>Raised after <see cref="Apply"/> changed the shapes or the namespace filter.</summary>
    public event Action? SpecChanged;

    /// <summary>True when at least one pod-level metric is configured.</summary>
    public bool Enabled
    {
        get
        {
            lock (gate)
            {
                return store.Count > 0;
            }
        }
    }

    /// <summary>Whether a metric (Retina's name) is configured now.</summary>
    public bool IsEnabled(string metricName)
    {
        lock (gate)
        {
            return store.Contains(metricName);
        }
    }

    /// <summary>Metrics at their series cap, as "&lt;metricName&gt;=&lt;cap&gt;" (Retina's metric names), sorted.</summary>
    public IReadOnlyList<string> CappedMetrics
    {
        get
        {
            lock (gate)
            {
                return store.Capped;
            }
        }
    }

    /// <summary>Live series of a metric (Retina's name); 0 when not configured.</summary>
    public int SeriesCount(string metricName)
    {
        lock (gate)
        {
            return store.SeriesCount(metricName);
        }
    }

    /// <summary>
    /// Re-shapes the metrics to a new merged spec (null or empty: no pod-level metrics). Metrics
    /// whose label set is unchanged keep their series; the others lose theirs and start afresh.
    /// </summary>
    public void Apply(NodeMetricsSpec? spec)
    {
        var shapes = new Dictionary<string, MetricShape>(StringComparer.Ordinal);
        foreach (var option in spec?.ContextOptions ?? [])
        {
            if (MetricShape.From(option, options.RemoteContext) is { } shape)
            {
                shapes[shape.MetricName] = shape;
            }
        }

        lock (gate)
        {
            // Only the retina.sh: observe annotation, no MetricsConfiguration: nothing else is covered.
            filter = spec is { Namespaces: null, Observed: not null } ? NamespaceFilter.Nothing : NamespaceFilter.From(spec?.Namespaces);
            observed = ObservedFilter.From(spec?.Observed);
            store.Reshape(shapes);
        }

        SpecChanged?.Invoke();
    }

    /// <summary>Whether traffic of this pod is reported (the namespace filter of the spec).</summary>
    public bool Covers(PodInfo? pod)
    {
        var f = filter;
        return pod is not null && (f.Covers(pod.Namespace) || observed.Covers(pod));
    }

    /// <summary>Addresses of this node's pods that the namespace filter covers: the kernel's addresses of interest.</summary>
    public IReadOnlyList<IpKey> AddressesOfInterest()
    {
        var list = new List<IpKey>();
        foreach (var (pod, addresses) in Cache.Pods())
        {
            if (pod.IsLocal && Covers(pod))
            {
                list.AddRange(addresses);
            }
        }

        return list;
    }

    public void RecordForward(in FlowSample f, ulong packets, ulong bytes)
    {
        if (packets == 0 && bytes == 0)
        {
            return;
        }

        lock (gate)
        {
            if (!Resolve(f, out var src, out var dst))
            {
                return;
            }

            if (packets > 0)
            {
                store.Add(AdvancedMetricNames.ForwardCount, f, src, dst, [], packets);
            }

            if (bytes > 0)
            {
                store.Add(AdvancedMetricNames.ForwardBytes, f, src, dst, [], bytes);
            }
        }
    }

    /// <param name="flag">FIN, SYN, RST, PSH, ACK, URG, ECE, CWR or SYNACK.</param>
    public void RecordTcpFlag(in FlowSample f, string flag, ulong count)
    {
        lock (gate)
        {
            if (count > 0 && Resolve(f, out var src, out var dst))
            {
                store.Add(AdvancedMetricNames.TcpFlags, f, src, dst, [flag], count);
            }
        }
    }

    /// <param name="reason">The kernel's drop reason name, e.g. NETFILTER_DROP.</param>
    public void RecordDrop(in FlowSample f, string reason, ulong packets, ulong bytes)
    {
        lock (gate)
        {
            if (!Resolve(f, out var src, out var dst))
            {
                return;
            }

            if (packets > 0)
            {
                store.Add(AdvancedMetricNames.DropCount, f, src, dst, [reason], packets);
            }

            if (bytes > 0)
            {
                store.Add(AdvancedMetricNames.DropBytes, f, src, dst, [reason], bytes);
            }
        }
    }

    public void RecordRetransmit(in FlowSample f, ulong count = 1)
    {
        lock (gate)
        {
            if (count > 0 && Resolve(f, out var src, out var dst))
            {
                store.Add(AdvancedMetricNames.TcpRetransmissions, f, src, dst, [], count);
            }
        }
    }

    public void RecordDns(in FlowSample f, DnsMessage message)
    {
        lock (gate)
        {
            var name = message.IsResponse ? AdvancedMetricNames.DnsResponses : AdvancedMetricNames.DnsRequests;
            if (!store.Contains(name) || !Resolve(f, out var src, out var dst))
            {
                return;
            }

            var query = dnsQueries.Apply(message.QueryName);
            if (message.IsResponse)
            {
                store.Add(name, f, src, dst, [message.RcodeName, message.QueryTypeName, query, string.Join(",", message.Addresses), message.AnswerCount.ToString(System.Globalization.CultureInfo.InvariantCulture)], 1);
            }
            else
            {
                store.Add(name, f, src, dst, [message.QueryTypeName, query], 1);
            }
        }
    }

    /// <summary>Removes series whose ttl passed; runs on a timer and before every scrape.</summary>
    public void Sweep()
    {
        lock (gate)
        {
            if (!disposed)
            {
                store.Expire();
            }
        }
    }

    // Both ends' pods; false when neither end is covered (or, in local context, the local end is not).
    private bool Resolve(in FlowSample f, out PodInfo? src, out PodInfo? dst)
    {
        src = Cache.Lookup(f.Source);
        dst = Cache.Lookup(f.Destination);
        if (store.Count == 0)
        {
            return false;
        }

        if (options.RemoteContext)
        {
            return Covers(src) || Covers(dst);
        }

        return Covers(f.Direction == TrafficDirection.Egress ? src : dst);
    }

    private void OnPodRemoved(PodInfo pod)
    {
        lock (gate)
        {
            store.RemovePod(pod.Key);
        }
    }

    private void BeforeCollect() => Sweep();

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            store.Clear();
        }

        sweepTimer.Dispose();
        Cache.PodRemoved -= OnPodRemoved;
        Attached.Remove(metrics);
    }
}
