using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>Validates a Capture: the schema's rules, then what a schema cannot say (endpoints, durations, pairs).</summary>
public sealed class CaptureValidator : IValidator<Capture>
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    public ValidationReport Validate(Capture resource)
    {
        var report = new ValidationReport();
        ValidateSpec(resource.Spec, "spec", report);
        return report;
    }

    /// <summary>Validates a Capture spec at <paramref name="path"/> (also used for CapturePolicy templates).</summary>
    public static void ValidateSpec(CaptureSpec spec, string path, ValidationReport report, bool targetOptional = false)
    {
        var configPath = FieldPath.Child(path, "captureConfiguration");
        var config = spec.CaptureConfiguration;
        SchemaRules.Validate(spec, path, report);
        if (!targetOptional && CaptureTargets.IsEmpty(config.CaptureTarget))
        {
            report.Add(FieldPath.Child(configPath, "captureTarget"), "must set one of: nodeSelector, namespaceSelector/podSelector, podNames, workloadRef");
        }

        var option = config.CaptureOption;
        var optionPath = FieldPath.Child(configPath, "captureOption");
        if (option?.Duration is { } d && GoDuration.TryParse(d, out var duration) &&
            (duration <= TimeSpan.Zero || duration > MaxDuration))
        {
            report.Add(FieldPath.Child(optionPath, "duration"), $"\"{d}\" must be more than 0s and at most {GoDuration.Format(MaxDuration)}");
        }

        if (config.TcpdumpFilter is not null && option?.PcapFilter is not null)
        {
            report.Add(FieldPath.Child(configPath, "tcpdumpFilter"), "is deprecated and cannot be combined with captureOption.pcapFilter: set only pcapFilter");
        }

        if (config.Filters is { } filters)
        {
            var filtersPath = FieldPath.Child(configPath, "filters");
            ValidateEndpoints(filters.Include, FieldPath.Child(filtersPath, "include"), report);
            ValidateEndpoints(filters.Exclude, FieldPath.Child(filtersPath, "exclude"), report);
        }

        if (spec.OutputConfiguration.S3Upload is { } s3 && string.IsNullOrEmpty(s3.Region) && string.IsNullOrEmpty(s3.Endpoint))
        {
            report.Add(FieldPath.Child(path, "outputConfiguration.s3Upload.region"), "is required when endpoint is not set");
        }
    }

    private static void ValidateEndpoints(List<string>? endpoints, string path, ValidationReport report)
    {
        for (var i = 0; i < (endpoints?.Count ?? 0); i++)
        {
            if (!CaptureEndpoint.TryParse(endpoints![i], out _, out var why))
            {
                report.Add(FieldPath.Index(path, i), $"\"{endpoints[i]}\" {why}");
            }
        }
    }
}
