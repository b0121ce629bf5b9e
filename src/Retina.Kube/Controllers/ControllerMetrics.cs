using Prometheus;

namespace Retina.Kube.Controllers;

/// <summary>The controller runtime's Prometheus series (prometheus-net native collectors).</summary>
public sealed class ControllerMetrics
{
    public ControllerMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        ReconcileTotal = factory.CreateCounter("retina_controller_reconcile_total", "Reconciles by controller and result (done, requeue, error).", ["controller", "result"]);
        ReconcileErrors = factory.CreateCounter("retina_controller_reconcile_errors_total", "Reconciles that failed and were retried with backoff.", ["controller"]);
        ReconcileDuration = factory.CreateHistogram("retina_controller_reconcile_duration_seconds", "Time spent in one reconcile.", ["controller"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        QueueDepth = factory.CreateGauge("retina_controller_workqueue_depth", "Keys waiting in the controller's work queue.", ["controller"]);
        Leader = factory.CreateGauge("retina_controller_leader", "1 while this process holds the leader lease.", ["lease"]);
    }

    public static ControllerMetrics Default { get; } = new(Metrics.DefaultRegistry);

    public Counter ReconcileTotal { get; }

    public Counter ReconcileErrors { get; }

    public Histogram ReconcileDuration { get; }

    public Gauge QueueDepth { get; }

    public Gauge Leader { get; }
}
