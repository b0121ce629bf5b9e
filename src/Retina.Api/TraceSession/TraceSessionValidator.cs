using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>Validates a TraceSession: schema rules, a target, a sane duration, no repeated event kinds.</summary>
public sealed class TraceSessionValidator : IValidator<TraceSession>
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);

    public ValidationReport Validate(TraceSession resource)
    {
        var report = new ValidationReport();
        var spec = resource.Spec;
        SchemaRules.Validate(spec, "spec", report);
        if (CaptureTargets.IsEmpty(spec.Target))
        {
            report.Add("spec.target", "must set one of: nodeSelector, namespaceSelector/podSelector, podNames, workloadRef");
        }

        if (GoDuration.TryParse(spec.Duration, out var d) && (d <= TimeSpan.Zero || d > MaxDuration))
        {
            report.Add("spec.duration", $"\"{spec.Duration}\" must be more than 0s and at most {GoDuration.Format(MaxDuration)}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Events.Count; i++)
        {
            if (!seen.Add(spec.Events[i]))
            {
                report.Add(FieldPath.Index("spec.events", i), $"\"{spec.Events[i]}\" is listed twice");
            }
        }

        return report;
    }
}
