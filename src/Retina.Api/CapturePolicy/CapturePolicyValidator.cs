using System.Text.RegularExpressions;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.CapturePolicy;

/// <summary>Validates a CapturePolicy: the template as a Capture, triggers, and limits that can actually be reached.</summary>
public sealed class CapturePolicyValidator : IValidator<CapturePolicy>
{
    public static readonly TimeSpan MinCooldown = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxCooldown = TimeSpan.FromHours(24);

    public ValidationReport Validate(CapturePolicy resource)
    {
        var report = new ValidationReport();
        var spec = resource.Spec;

        // A template may leave its target to the alert's labels, or to the node whose threshold fired.
        var targetFromFiring = spec.TargetFromAlertLabels is not null || spec.Triggers.All(t => t.Threshold is not null);
        CaptureValidator.ValidateSpec(spec.CaptureTemplate, "spec.captureTemplate", report, targetOptional: targetFromFiring);
        SchemaRules.Validate(spec, "spec", report, skip: "captureTemplate");

        if (spec.Cooldown is { } c && GoDuration.TryParse(c, out var cooldown))
        {
            if (cooldown < MinCooldown || cooldown > MaxCooldown)
            {
                report.Add("spec.cooldown", $"\"{c}\" must be between {GoDuration.Format(MinCooldown)} and {GoDuration.Format(MaxCooldown)}");
            }
            else if (spec.MaxPerHour is { } perHour && cooldown * perHour > TimeSpan.FromHours(1) && perHour > 1)
            {
                var reachable = (int)(TimeSpan.FromHours(1) / cooldown);
                report.Add("spec.maxPerHour", $"{perHour} cannot be reached with cooldown {c} (at most {Math.Max(reachable, 1)} per hour)");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Triggers.Count; i++)
        {
            var trigger = spec.Triggers[i];
            var path = FieldPath.Index("spec.triggers", i);
            if (!names.Add(trigger.Name))
            {
                report.Add(FieldPath.Child(path, "name"), $"\"{trigger.Name}\" is used by another trigger");
            }

            if (trigger.Threshold is { } threshold)
            {
                ValidateThreshold(threshold, FieldPath.Child(path, "threshold"), report);
            }

            var matchers = trigger.Alert?.Matchers ?? [];
            for (var m = 0; m < matchers.Count; m++)
            {
                if (matchers[m].Operator is "=~" or "!~" && !IsRegex(matchers[m].Value ?? ""))
                {
                    report.Add(FieldPath.Child(FieldPath.Index(FieldPath.Child(path, "alert.matchers"), m), "value"), $"\"{matchers[m].Value}\" is not a regular expression");
                }
            }
        }

        return report;
    }

    private static void ValidateThreshold(ThresholdTrigger threshold, string path, ValidationReport report)
    {
        if (threshold.For is { } f && GoDuration.TryParse(f, out var window) && (window < ThresholdTrigger.MinWindow || window > ThresholdTrigger.MaxWindow))
        {
            report.Add(FieldPath.Child(path, "for"), $"\"{f}\" must be between {GoDuration.Format(ThresholdTrigger.MinWindow)} and {GoDuration.Format(ThresholdTrigger.MaxWindow)} (the node samples its counters once a second)");
        }

        if (threshold.Reason is not null && threshold.Metric != "dropRate")
        {
            report.Add(FieldPath.Child(path, "reason"), $"applies to metric dropRate only, not {threshold.Metric}");
        }

        if (threshold.Rcodes is { } rcodes)
        {
            if (threshold.Metric != "dnsFailureRate")
            {
                report.Add(FieldPath.Child(path, "rcodes"), $"applies to metric dnsFailureRate only, not {threshold.Metric}");
            }

            for (var r = 0; r < rcodes.Count; r++)
            {
                if (!ThresholdTrigger.KnownRcodes.Contains(rcodes[r] ?? "", StringComparer.OrdinalIgnoreCase))
                {
                    report.Add(FieldPath.Index(FieldPath.Child(path, "rcodes"), r), $"\"{rcodes[r]}\" is not a DNS response code ({string.Join(", ", ThresholdTrigger.KnownRcodes)})");
                }
            }
        }
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
