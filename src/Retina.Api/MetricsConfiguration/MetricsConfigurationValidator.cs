using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.MetricsConfiguration;

/// <summary>Validates a MetricsConfiguration: known metrics and label tokens (unknown ones are rejected, never ignored), one entry per metric, exactly one of include/exclude.</summary>
public sealed class MetricsConfigurationValidator : IValidator<MetricsConfiguration>
{
    public ValidationReport Validate(MetricsConfiguration resource)
    {
        var report = new ValidationReport();
        SchemaRules.Validate(resource.Spec, "spec", report);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < resource.Spec.ContextOptions.Count; i++)
        {
            var option = resource.Spec.ContextOptions[i];
            var path = FieldPath.Index("spec.contextOptions", i);
            if (seen.TryGetValue(option.MetricName, out var first))
            {
                report.Add(FieldPath.Child(path, "metricName"), $"\"{option.MetricName}\" is already configured at spec.contextOptions[{first}]");
            }
            else
            {
                seen[option.MetricName] = i;
            }

            Duplicates(option.SourceLabels, FieldPath.Child(path, "sourceLabels"), report);
            Duplicates(option.DestinationLabels, FieldPath.Child(path, "destinationLabels"), report);
            Duplicates(option.AdditionalLabels, FieldPath.Child(path, "additionalLabels"), report);
        }

        return report;
    }

    private static void Duplicates(List<string>? labels, string path, ValidationReport report)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (labels?.Count ?? 0); i++)
        {
            if (!seen.Add(labels![i]))
            {
                report.Add(FieldPath.Index(path, i), $"\"{labels[i]}\" is listed twice");
            }
        }
    }
}
