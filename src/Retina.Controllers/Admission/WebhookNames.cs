namespace Retina.Controllers.Admission;

/// <summary>
/// The names shared by the controller and the manifests in <c>kustomize/base/admission/</c>: configurations (whose
/// <c>caBundle</c> the self-managed TLS patches), webhooks (what <c>denied the request</c> messages name) and paths.
/// </summary>
public static class WebhookNames
{
    public const string ValidatingConfiguration = "retina-controllers-validation";

    public const string MutatingConfiguration = "retina-controllers-requested-by";

    public const string ValidatingWebhook = "validation.webhook.retina.sh";

    public const string MutatingWebhook = "requested-by.webhook.retina.sh";

    public const string ValidatePath = "/validate";

    public const string MutatePath = "/mutate";

    /// <summary>The Service in front of every replica (443 → the controllers' WebhookAddress port).</summary>
    public const string Service = "retina-controllers-webhook";
}
