using Prometheus;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Alerts;

/// <summary>The receiver's own series: posts by answer, alerts received, and per policy what matched, fired or was suppressed (by reason).</summary>
public sealed class AlertWebhookMetrics
{
    public AlertWebhookMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Posts = factory.CreateCounter("retina_alert_webhook_requests_total", "Alertmanager posts by answer (accepted, bad_request, unauthorized, too_large, transient_error).", ["result"]);
        Alerts = factory.CreateCounter("retina_alert_webhook_alerts_total", "Alerts received, by status (firing, resolved); truncated: left out by Alertmanager's max_alerts.", ["status"]);
        MatchedTotal = factory.CreateCounter("retina_capturepolicy_matched_total", "Firing alerts that matched a trigger of the policy.", ["namespace", "policy"]);
        FiredTotal = factory.CreateCounter("retina_capturepolicy_fired_total", "Child Captures the policy created.", ["namespace", "policy"]);
        SuppressedTotal = factory.CreateCounter("retina_capturepolicy_suppressed_total", "Firings that created no Capture, by reason.", ["namespace", "policy", "reason"]);
    }

    public static AlertWebhookMetrics Default { get; } = new(Metrics.DefaultRegistry);

    public Counter Posts { get; }

    public Counter Alerts { get; }

    public Counter MatchedTotal { get; }

    public Counter FiredTotal { get; }

    public Counter SuppressedTotal { get; }

    public void Received(AlertNotification notification)
    {
        foreach (var alert in notification.Alerts ?? [])
        {
            Alerts.WithLabels(alert.Status ?? "").Inc();
        }

        if (notification.TruncatedAlerts > 0)
        {
            Alerts.WithLabels("truncated").Inc(notification.TruncatedAlerts);
        }
    }

    public void Matched(Policy policy) => MatchedTotal.WithLabels(policy.Metadata.NamespaceProperty, policy.Metadata.Name).Inc();

    public void Decided(AlertOutcome outcome)
    {
        if (outcome.Repeat)
        {
            return;
        }

        var (ns, name) = (outcome.Policy.Metadata.NamespaceProperty, outcome.Policy.Metadata.Name);
        if (outcome.Outcome == "Created")
        {
            FiredTotal.WithLabels(ns, name).Inc();
        }
        else
        {
            SuppressedTotal.WithLabels(ns, name, outcome.Outcome).Inc();
        }
    }
}
