using Retina.Api.Common;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Alerts;

/// <summary>
/// Whether a policy may create one more child now: suspension, cooldown since its last child, children in the last
/// hour, children running, and the namespace's budget for policy-fired Captures. Null: it may; else the outcome and why.
/// </summary>
public static class FiringLimits
{
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromMinutes(10);
    public const int DefaultMaxConcurrent = 1;
    public const int DefaultMaxPerHour = 4;

    public static (string Outcome, string? Message)? Check(Policy policy, DateTime now, int running, int namespaceRunning, int namespaceBudget)
    {
        var spec = policy.Spec;
        var status = policy.Status;
        if (spec.Suspend == true)
        {
            return ("Suspended", "spec.suspend is true");
        }

        var cooldown = spec.Cooldown is { } c && GoDuration.TryParse(c, out var parsed) ? parsed : DefaultCooldown;
        if (status?.LastFiredTime is { } last && now - last < cooldown)
        {
            return ("Cooldown", $"the last child was created at {last:O}; cooldown {GoDuration.Format(cooldown)} ends at {last + cooldown:O}");
        }

        var perHour = spec.MaxPerHour ?? DefaultMaxPerHour;
        var lastHour = (status?.Firings ?? []).Count(f => f.Outcome == "Created" && now - f.Time < TimeSpan.FromHours(1));
        if (lastHour >= perHour)
        {
            return ("RateLimit", $"{lastHour} children in the last hour (maxPerHour {perHour})");
        }

        var concurrent = spec.MaxConcurrent ?? DefaultMaxConcurrent;
        if (running >= concurrent)
        {
            return ("MaxConcurrent", $"{running} children still running (maxConcurrent {concurrent})");
        }

        if (namespaceRunning >= namespaceBudget)
        {
            return ("NamespaceBudget", $"{namespaceRunning} policy-fired Captures running in namespace {policy.Metadata.NamespaceProperty} (the cluster admin's budget is {namespaceBudget})");
        }

        return null;
    }
}
