using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.MetricsConfiguration;

/// <summary>
/// Validates a MetricsConfiguration: known metrics, one entry per metric, exactly one of include/exclude.
/// Label tokens are read as Retina reads them (<see cref="MetricLabels"/>): any case, unknown ones ignored, a token
/// listed twice counted once; what is ignored is reported by <see cref="Warnings"/>, never as an error, so a
/// configuration Retina accepts is accepted here.
/// </summary>
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
        }

        return report;
    }

    /// <summary>Every label token that adds nothing: unknown (ignored, as Retina does) or repeated (counted once), with its field path.</summary>
    public IReadOnlyList<FieldError> Warnings(MetricsConfiguration resource)
    {
        var warnings = new List<FieldError>();
        for (var i = 0; i < resource.Spec.ContextOptions.Count; i++)
        {
            var option = resource.Spec.ContextOptions[i];
            var path = FieldPath.Index("spec.contextOptions", i);
            Check(option.SourceLabels, FieldPath.Child(path, "sourceLabels"), MetricLabels.ContextOrder, warnings);
            Check(option.DestinationLabels, FieldPath.Child(path, "destinationLabels"), MetricLabels.ContextOrder, warnings);
            Check(option.AdditionalLabels, FieldPath.Child(path, "additionalLabels"), MetricLabels.AdditionalOrder, warnings);
        }

        return warnings;
    }

    private static void Check(List<string>? labels, string path, IReadOnlyList<string> known, List<FieldError> warnings)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (labels?.Count ?? 0); i++)
        {
            var token = labels![i];
            var normal = MetricLabels.Normalize(token, known);
            if (normal is null)
            {
                warnings.Add(new FieldError(FieldPath.Index(path, i), $"unknown label \"{token}\" ignored (known: {string.Join(", ", known)})"));
            }
            else if (seen.TryGetValue(normal, out var first))
            {
                warnings.Add(new FieldError(FieldPath.Index(path, i), $"\"{token}\" repeats {FieldPath.Index(path, first)} ({normal}); counted once"));
            }
            else
            {
                seen[normal] = i;
            }
        }
    }
}
