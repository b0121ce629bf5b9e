using Microsoft.Extensions.Configuration;

namespace Retina.Controllers.Options;

/// <summary>
/// The Alertmanager receiver (<c>POST /api/v1/alerts/webhook</c>) that fires CapturePolicies, section
/// <c>Retina:AlertWebhook</c>. The bearer token comes from a Secret in the controllers' namespace (cluster) or a file
/// (local mode); nothing else is accepted.
/// </summary>
public sealed class AlertWebhookOptions
{
    public const string Section = "Retina:AlertWebhook";

    /// <summary>Secret in the controllers' namespace whose <see cref="TokenSecretKey"/> holds the bearer token Alertmanager sends.</summary>
    public string TokenSecretName { get; set; } = "retina-alert-webhook";

    public string TokenSecretKey { get; set; } = "token";

    /// <summary>A file holding the token instead of a Secret (local mode: <c>.retina/alert-webhook-token</c>).</summary>
    public string? TokenFile { get; set; }

    /// <summary>Larger posts are refused with 413 before they are parsed.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>At most this many policy-fired Captures run at once in one namespace, whatever its policies allow.</summary>
    public int NamespaceBudget { get; set; } = 5;

    public static AlertWebhookOptions From(IConfiguration configuration)
    {
        var options = new AlertWebhookOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxBodyBytes is < 4096 or > 64 * 1024 * 1024)
        {
            problems.Add($"{Section}:MaxBodyBytes: {MaxBodyBytes} must be between 4096 and 67108864");
        }

        if (NamespaceBudget is < 1 or > 100)
        {
            problems.Add($"{Section}:NamespaceBudget: {NamespaceBudget} must be between 1 and 100");
        }

        if (TokenFile is null && string.IsNullOrWhiteSpace(TokenSecretName))
        {
            problems.Add($"{Section}:TokenSecretName: required unless TokenFile is set");
        }

        return problems;
    }
}
