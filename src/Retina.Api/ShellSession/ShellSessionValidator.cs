using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.ShellSession;

/// <summary>Validates a ShellSession: schema rules, the TTL cap the cluster admin configured, node-only options.</summary>
public sealed class ShellSessionValidator(TimeSpan maxTtl) : IValidator<ShellSession>
{
    public static readonly TimeSpan DefaultMaxTtl = TimeSpan.FromHours(4);

    public ShellSessionValidator()
        : this(DefaultMaxTtl)
    {
    }

    public ValidationReport Validate(ShellSession resource)
    {
        var report = new ValidationReport();
        var spec = resource.Spec;
        SchemaRules.Validate(spec, "spec", report);
        if (GoDuration.TryParse(spec.Ttl, out var ttl))
        {
            if (ttl <= TimeSpan.Zero)
            {
                report.Add("spec.ttl", $"\"{spec.Ttl}\" must be more than 0s");
            }
            else if (ttl > maxTtl)
            {
                report.Add("spec.ttl", $"\"{spec.Ttl}\" is longer than the cap of {GoDuration.Format(maxTtl)} set by the cluster admin");
            }
        }

        if (spec.Target.Pod is not null)
        {
            if (spec.HostPid == true)
            {
                report.Add("spec.hostPID", "applies only to node shells (target.nodeName)");
            }

            if (spec.MountHostFilesystem == true)
            {
                report.Add("spec.mountHostFilesystem", "applies only to node shells (target.nodeName)");
            }
        }

        return report;
    }
}
