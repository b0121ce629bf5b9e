using System.Net;
using Microsoft.Extensions.Logging;
using Retina.Api.CapturePolicy;
using Retina.Controllers.Authorization;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Events;
using Retina.Kube.Status;
using CaptureObject = Retina.Api.Capture.Capture;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Alerts;

/// <summary>
/// Turns one Alertmanager notification into firings: for every firing alert and every valid CapturePolicy with a
/// matching alert trigger, the decision is claimed in the policy's status first (a resourceVersion-checked write, so
/// replicas and retries serialise on it), then the child is created under its episode's name (an existing one is
/// kept). A retried post therefore finds its episode recorded and only makes sure the child exists: no loss, no
/// duplicate, on any replica. Transient API failures surface as <see cref="AlertTransientException"/> (answered 5xx, so
/// Alertmanager retries); everything else is recorded on the policy and answered 2xx.
/// </summary>
public sealed partial class AlertFiringRecorder(IKubeClient client, AlertWebhookOptions options, EventRecorder events, AlertWebhookMetrics metrics,
    TimeProvider time, ILogger logger)
{
    public const int MaxFirings = 64;
    private const int MaxLabels = 8;
    private static readonly CapturePolicyValidator Validator = new();

    /// <summary>A child still absent this long after its firing was claimed is being created (or will be on retry), so it counts as running.</summary>
    private static readonly TimeSpan PendingCreation = TimeSpan.FromMinutes(10);

    /// <summary>Stops children early when their alert is posted resolved and the policy has stopOnResolved (null: resolved alerts are only counted).</summary>
    public ResolvedStopper? Stopper { get; init; }

    public async Task<AlertReceipt> RecordAsync(AlertNotification notification, CancellationToken ct)
    {
        metrics.Received(notification);
        var receipt = new AlertReceipt();
        try
        {
            var policies = (await client.ListAsync<Policy>(new ListOptions(), ct).ConfigureAwait(false)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null && Validator.Validate(p).IsValid)
                .OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
                .ToList();
            foreach (var alert in (notification.Alerts ?? []).Where(a => a.Status == "firing"))
            {
                foreach (var policy in policies)
                {
                    if ((policy.Spec.Triggers ?? []).FirstOrDefault(t => t.Alert is not null && AlertMatching.Matches(t.Alert, alert.Labels!)) is { } trigger)
                    {
                        metrics.Matched(policy);
                        receipt.Outcomes.Add(await FireAsync(policy, trigger.Name, alert, alert.Fingerprint, null, ct).ConfigureAwait(false));
                    }
                }
            }

            foreach (var alert in (notification.Alerts ?? []).Where(a => a.Status == "resolved" && Stopper is not null))
            {
                foreach (var policy in policies.Where(p => p.Spec.StopOnResolved == true))
                {
                    if ((policy.Spec.Triggers ?? []).FirstOrDefault(t => t.Alert is not null && AlertMatching.Matches(t.Alert, alert.Labels!)) is { } trigger)
                    {
                        await Stopper!.StopAsync(policy, trigger.Name, AlertEpisode.Of(alert).Key, $"alert {alert.Name} resolved", ct).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new AlertTransientException(e);
        }

        return receipt;
    }

    /// <summary>
    /// A node's threshold breach (status.triggers, state Firing) fires its policy the way an alert does: the episode is
    /// node@since, so a repeated status, a restarted controller or another replica finds it claimed and creates nothing more.
    /// The target is the node (see <see cref="ThresholdEpisode.Mapping"/>); the top pod, when the node knows it, is in the firing's labels.
    /// Null when the policy or its threshold trigger is gone or invalid (nothing to fire).
    /// </summary>
    public async Task<AlertOutcome?> RecordThresholdAsync(string node, Api.NodeRuntime.NodeTriggerStatus breach, CancellationToken ct)
    {
        try
        {
            var policy = await ThresholdPolicyAsync(breach, ct).ConfigureAwait(false);
            if (policy is null || breach.Since is null)
            {
                return null;
            }

            var trigger = policy.Spec.Triggers.First(t => t.Name == breach.Trigger);
            metrics.Matched(policy);
            var alert = ThresholdEpisode.Alert(node, breach, trigger.Threshold!);
            return await FireAsync(policy, trigger.Name, alert, ThresholdEpisode.Source(node, breach, trigger.Threshold!), ThresholdEpisode.Mapping(policy), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new AlertTransientException(e);
        }
    }

    private async Task<Policy?> ThresholdPolicyAsync(Api.NodeRuntime.NodeTriggerStatus breach, CancellationToken ct)
    {
        var parts = breach.Policy.Split('/');
        if (parts.Length != 2)
        {
            return null;
        }

        var policy = await client.GetAsync<Policy>(parts[1], parts[0], ct).ConfigureAwait(false);
        return policy is not null && policy.Metadata.DeletionTimestamp is null && Validator.Validate(policy).IsValid
            && policy.Spec.Triggers.Any(t => t.Name == breach.Trigger && t.Threshold is not null) ? policy : null;
    }

    private async Task<AlertOutcome> FireAsync(Policy policy, string trigger, Alert alert, string? source, Api.CapturePolicy.AlertLabelMapping? mapping, CancellationToken ct)
    {
        var key = ObjectKey.Of(policy);
        var episode = AlertEpisode.Of(alert);
        var (child, noTarget) = ChildCapture.Build(policy, trigger, alert, mapping);
        var notAllowed = child is null ? null : CapturePolicyReach.Clamp(policy, child);
        var childName = child?.Metadata.Name ?? episode.ChildName(policy.Metadata.Name, trigger);
        var children = await ListChildrenAsync(policy.Metadata.NamespaceProperty, ct).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcDateTime;

        AlertOutcome? outcome = null;
        await client.UpdateStatusAsync<Policy>(key, fresh =>
        {
            var status = fresh.Status ??= new CapturePolicyStatus();
            var firings = status.Firings ??= [];
            var earlier = firings.FirstOrDefault(f => f.Episode == episode.Key && f.Trigger == trigger);
            if (earlier?.Outcome == "Created")
            {
                outcome = new AlertOutcome(fresh, trigger, alert.Name, episode, "Created", earlier.Capture, null, Repeat: true);
                return false;
            }

            var (name, message) = fresh.Spec.Suspend == true ? ("Suspended", "spec.suspend is true")
                : noTarget is not null ? ("NoTarget", noTarget)
                : notAllowed is not null ? ("NotAllowed", notAllowed)
                : FiringLimits.Check(fresh, now, Running(fresh, children, now), children.Count(c => !Finished(c)), options.NamespaceBudget)
                  ?? ("Created", null);
            outcome = new AlertOutcome(fresh, trigger, alert.Name, episode, name, name == "Created" ? childName : null, message, Repeat: earlier?.Outcome == name);
            if (outcome.Repeat)
            {
                return false; // The same suppression for the same episode (a repeated notification): recorded once.
            }

            firings.Insert(0, new CapturePolicyFiring
            {
                Time = now, Trigger = trigger, Outcome = name, Capture = outcome.Capture, Source = source, Alert = alert.Name,
                Episode = episode.Key, Labels = TargetLabels(mapping ?? fresh.Spec.TargetFromAlertLabels, alert), Message = message is null ? null : Truncate(message, 1024),
            });
            if (firings.Count > MaxFirings)
            {
                firings.RemoveRange(MaxFirings, firings.Count - MaxFirings);
            }

            if (name == "Created")
            {
                status.FiredCount = (status.FiredCount ?? 0) + 1;
                status.LastFiredTime = now;
                status.ActiveCaptures = [.. (status.ActiveCaptures ?? []).Append(childName).Distinct().TakeLast(10)];
            }
            else
            {
                status.SuppressedCount = (status.SuppressedCount ?? 0) + 1;
            }

            return true;
        }, ct).ConfigureAwait(false);

        if (outcome is null)
        {
            return new AlertOutcome(policy, trigger, alert.Name, episode, "Gone", null, "the policy was deleted meanwhile", Repeat: false);
        }

        if (outcome.Outcome == "Created")
        {
            outcome = await CreateChildAsync(outcome, child!, ct).ConfigureAwait(false);
        }

        metrics.Decided(outcome);
        if (!outcome.Repeat)
        {
            await RecordEventsAsync(outcome, child, ct).ConfigureAwait(false);
        }

        return outcome;
    }

    private async Task<AlertOutcome> CreateChildAsync(AlertOutcome outcome, CaptureObject child, CancellationToken ct)
    {
        try
        {
            await client.CreateAsync(child, ct).ConfigureAwait(false);
            LogFired(logger, outcome.Policy.Metadata.NamespaceProperty, outcome.Policy.Metadata.Name, child.Metadata.Name, outcome.Episode.Key);
            return outcome;
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            return outcome; // Created by an earlier try of this episode (a retry, another replica, or a lost answer).
        }
        catch (KubeApiException e) when (!IsTransient(e))
        {
            // Refused for good (admission, schema): the claimed firing says so instead of pointing at a child that never was.
            var message = Truncate($"the API server refused the child Capture: {e.Message}", 1024);
            await client.UpdateStatusAsync<Policy>(ObjectKey.Of(outcome.Policy), fresh =>
            {
                var firing = fresh.Status?.Firings?.FirstOrDefault(f => f.Episode == outcome.Episode.Key && f.Trigger == outcome.Trigger && f.Outcome == "Created");
                if (firing is null)
                {
                    return false;
                }

                (firing.Outcome, firing.Capture, firing.Message) = ("NotAllowed", null, message);
                fresh.Status!.FiredCount = Math.Max(0, (fresh.Status.FiredCount ?? 1) - 1);
                fresh.Status.SuppressedCount = (fresh.Status.SuppressedCount ?? 0) + 1;
                fresh.Status.ActiveCaptures?.Remove(child.Metadata.Name);
                return true;
            }, ct).ConfigureAwait(false);
            return outcome with { Outcome = "NotAllowed", Capture = null, Message = message };
        }
    }

    private async Task RecordEventsAsync(AlertOutcome outcome, CaptureObject? child, CancellationToken ct)
    {
        if (outcome.Outcome == "Created")
        {
            var text = $"alert {outcome.AlertName} ({outcome.Episode.Key}) fired trigger {outcome.Trigger}: created Capture {outcome.Capture}";
            await events.RecordAsync(outcome.Policy, EventRecorder.Normal, "Fired", text, ct).ConfigureAwait(false);
            if (child is not null)
            {
                await events.RecordAsync(child, EventRecorder.Normal, "FiredByPolicy",
                    $"created by CapturePolicy {outcome.Policy.Metadata.Name} (trigger {outcome.Trigger}) for alert {outcome.Episode.Key}", ct).ConfigureAwait(false);
            }
        }
        else
        {
            await events.RecordAsync(outcome.Policy, EventRecorder.Warning, "Suppressed" + outcome.Outcome,
                $"alert {outcome.AlertName} ({outcome.Episode.Key}) matched trigger {outcome.Trigger}; no Capture: {outcome.Message}", ct).ConfigureAwait(false);
        }
    }

    private async Task<List<CaptureObject>> ListChildrenAsync(string ns, CancellationToken ct) =>
        (await client.ListAsync<CaptureObject>(new ListOptions { Namespace = ns, LabelSelector = ChildCapture.PolicyLabel }, ct).ConfigureAwait(false)).Items.ToList();

    /// <summary>Children of this policy still running, plus those claimed in status but not created yet.</summary>
    private static int Running(Policy policy, List<CaptureObject> children, DateTime now)
    {
        var mine = children.Where(c => c.Metadata.Labels is { } l && l.TryGetValue(ChildCapture.PolicyLabel, out var owner) && owner == policy.Metadata.Name).ToList();
        var running = mine.Count(c => !Finished(c));
        var existing = mine.Select(c => c.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var pending = (policy.Status?.Firings ?? []).Count(f => f.Outcome == "Created" && f.Capture is not null && !existing.Contains(f.Capture) && now - f.Time < PendingCreation);
        return running + pending;
    }

    private static bool Finished(CaptureObject c) => Api.Capture.CapturePhase.IsFinished(c.Status?.Phase);

    private static Dictionary<string, string>? TargetLabels(Api.CapturePolicy.AlertLabelMapping? m, Alert alert)
    {
        var names = new[] { m?.Namespace, m?.Pod, m?.Node, "namespace", "pod", "node", "instance" }.OfType<string>().Distinct();
        var picked = names.Where(n => alert.Labels!.ContainsKey(n)).Take(MaxLabels).ToDictionary(n => n, n => Truncate(alert.Labels![n], 253));
        return picked.Count == 0 ? null : picked;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static bool IsTransient(Exception e) => e switch
    {
        KubeApiException k => (int)k.StatusCode >= 500 || k.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict or HttpStatusCode.RequestTimeout,
        HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => false,
        _ => false,
    };

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "CapturePolicy {Namespace}/{Policy} fired: Capture {Capture} for alert episode {Episode}")]
    private static partial void LogFired(ILogger logger, string @namespace, string policy, string capture, string episode);
}

/// <summary>What one post did, per matching (alert, policy).</summary>
public sealed class AlertReceipt
{
    public List<AlertOutcome> Outcomes { get; } = [];
}

/// <summary>One decision: Created (with the child) or a suppression reason with its message; Repeat when this episode had it already.</summary>
public sealed record AlertOutcome(Policy Policy, string Trigger, string AlertName, AlertEpisode Episode, string Outcome, string? Capture, string? Message, bool Repeat);

/// <summary>The API failed in a way a retry may fix: the post is answered 503 so Alertmanager sends it again.</summary>
public sealed class AlertTransientException(Exception inner) : Exception("transient Kubernetes API failure: " + inner.Message, inner);
