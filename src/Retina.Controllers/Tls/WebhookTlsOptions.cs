using Retina.Api.Common;
using Retina.Controllers.Admission;

namespace Retina.Controllers.Tls;

/// <summary>Where the HTTPS listener (admission webhook and other HTTPS endpoints) gets its certificate (section <c>Retina:Webhook</c>).</summary>
public sealed class WebhookTlsOptions
{
    public const string Section = "Retina:Webhook";

    public const string SelfManaged = "SelfManaged";

    public const string Files = "Files";

    /// <summary>
    /// <c>SelfManaged</c> (default): the controllers keep a CA and a serving certificate in <see cref="SecretName"/> and
    /// patch the CA into the webhook configurations' <c>caBundle</c>. <c>Files</c>: load <c>tls.crt</c>/<c>tls.key</c>
    /// (and <c>ca.crt</c>) from <see cref="CertificateDirectory"/>, reloaded when they change (cert-manager).
    /// </summary>
    public string Mode { get; set; } = SelfManaged;

    public string CertificateDirectory { get; set; } = "/etc/retina/webhook-tls";

    public string SecretName { get; set; } = "retina-controllers-tls";

    /// <summary>ConfigMap (key <c>ca.crt</c>, public part only) the node runtimes mount to verify our HTTPS.</summary>
    public string CaConfigMapName { get; set; } = "retina-controllers-ca";

    public string ServiceName { get; set; } = WebhookNames.Service;

    public List<string> ValidatingConfigurations { get; set; } = [WebhookNames.ValidatingConfiguration];

    public List<string> MutatingConfigurations { get; set; } = [WebhookNames.MutatingConfiguration];

    /// <summary>How often the Secret, caBundle and ConfigMap are checked (self-managed) or the files re-read (Go duration).</summary>
    public string CheckInterval { get; set; } = "1m";

    /// <summary>Self-managed: a serving certificate this close to expiry is renewed (Go duration).</summary>
    public string RenewBefore { get; set; } = "720h";

    public string ServingValidity { get; set; } = "8760h";

    public string CaValidity { get; set; } = "87600h";

    public TimeSpan CheckIntervalSpan => Span(CheckInterval);

    public TimeSpan RenewBeforeSpan => Span(RenewBefore);

    public TimeSpan ServingValiditySpan => Span(ServingValidity);

    public TimeSpan CaValiditySpan => Span(CaValidity);

    public static WebhookTlsOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new WebhookTlsOptions { ValidatingConfigurations = [], MutatingConfigurations = [] };
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), options);
        var defaults = new WebhookTlsOptions();
        if (options.ValidatingConfigurations.Count == 0)
        {
            options.ValidatingConfigurations = defaults.ValidatingConfigurations;
        }

        if (options.MutatingConfigurations.Count == 0)
        {
            options.MutatingConfigurations = defaults.MutatingConfigurations;
        }

        return options;
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Mode is not (SelfManaged or Files))
        {
            problems.Add($"{Section}:Mode: \"{Mode}\" is not {SelfManaged} or {Files}");
        }

        if (Mode == Files && !Path.IsPathRooted(CertificateDirectory))
        {
            problems.Add($"{Section}:CertificateDirectory: \"{CertificateDirectory}\" must be an absolute path");
        }

        foreach (var (name, value) in new[] { ("CheckInterval", CheckInterval), ("RenewBefore", RenewBefore), ("ServingValidity", ServingValidity), ("CaValidity", CaValidity) })
        {
            if (!GoDuration.TryParse(value, out var d) || d <= TimeSpan.Zero)
            {
                problems.Add($"{Section}:{name}: \"{value}\" is not a positive duration");
            }
        }

        if (problems.Count == 0 && RenewBeforeSpan >= ServingValiditySpan)
        {
            problems.Add($"{Section}:RenewBefore: {RenewBefore} must be shorter than ServingValidity ({ServingValidity})");
        }

        return problems;
    }

    private static TimeSpan Span(string value) => GoDuration.TryParse(value, out var d) ? d : TimeSpan.FromMinutes(1);
}
