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

        if (spec.Duration is not null && GoDuration.TryParse(spec.Duration, out var d) && (d <= TimeSpan.Zero || d > MaxDuration))
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

        ValidateFilters(spec.Filters, report);
        return report;
    }

    private static void ValidateFilters(TraceFilters? filters, ValidationReport report)
    {
        for (var i = 0; i < (filters?.Ips?.Count ?? 0); i++)
        {
            var value = filters!.Ips![i];
            if (!System.Net.IPAddress.TryParse(value, out _) && !(value.Contains('/') && System.Net.IPNetwork.TryParse(value, out _)))
            {
                report.Add(FieldPath.Index("spec.filters.ips", i), $"\"{value}\" is not an IP address or a CIDR (e.g. 10.0.0.5 or 10.0.0.0/8)");
            }
        }

        for (var i = 0; i < (filters?.Ports?.Count ?? 0); i++)
        {
            if (filters!.Ports![i] is < 1 or > 65535)
            {
                report.Add(FieldPath.Index("spec.filters.ports", i), $"{filters.Ports[i]} is not a port (1-65535)");
            }
        }
    }
}
