using System.Text.Json.Nodes;
using Retina.Api;
using Retina.Api.Common;
using Retina.Api.ShellSession;
using Retina.Controllers.Capture;
using Retina.Controllers.Options;
using Retina.Kube.Json;

namespace Retina.Controllers.Admission;

/// <summary>
/// The first rule of the validating webhook: the validators the reconcilers run (<see cref="ResourceKinds"/>, the
/// ShellSession policy (TTL cap, profiles, capabilities, images) and the Capture output policy from the controllers' options), so a bad spec is refused at
/// apply time with every field path instead of becoming a Failed condition later. Checked on CREATE, and on UPDATE
/// only when the spec changes and the object is not being deleted: metadata-only writes (finalizers, labels) of an
/// object stored before a validator grew stricter still pass, so it can always be cleaned up. Status writes and
/// deletes are not sent to the webhook at all (see <c>kustomize/base/admission/webhooks.yaml</c>).
/// </summary>
public sealed class SpecValidationRule(RetinaControllerOptions options) : IAdmissionRule
{
    private readonly Dictionary<string, Func<JsonObject, ValidationReport>> validators = new(StringComparer.Ordinal)
    {
        ["Capture"] = o => Validate<Api.Capture.Capture>(o, c =>
        {
            var report = ResourceKinds.ByKind("Capture")!.Validate(c);
            CaptureReconciler.AddPolicyProblems(options, c, report);
            return report;
        }),
        ["TraceSession"] = o => Validate<Api.TraceSession.TraceSession>(o, ResourceKinds.ByKind("TraceSession")!.Validate),
        ["ShellSession"] = o => Validate<Api.ShellSession.ShellSession>(o, new ShellSessionValidator(options.ShellPolicy).Validate),
        ["CapturePolicy"] = o => Validate<Api.CapturePolicy.CapturePolicy>(o, ResourceKinds.ByKind("CapturePolicy")!.Validate),
        ["MetricsConfiguration"] = o => Validate<Api.MetricsConfiguration.MetricsConfiguration>(o, ResourceKinds.ByKind("MetricsConfiguration")!.Validate),
    };

    /// <summary>The kinds this rule validates (what the webhook configuration's rules list).</summary>
    public IEnumerable<string> Kinds => validators.Keys;

    public Task<AdmissionDenial?> CheckAsync(AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        if (!validators.TryGetValue(attempt.Kind, out var validate) || attempt.Object is not { } obj || !NeedsValidation(attempt))
        {
            return Task.FromResult<AdmissionDenial?>(null);
        }

        var report = validate(obj);
        return Task.FromResult(report.IsValid ? null : AdmissionDenial.Invalid($"{attempt.Kind} \"{attempt.Name}\" is invalid: {report.Summary()}"));
    }

    private static bool NeedsValidation(AdmissionAttempt attempt) => attempt switch
    {
        { SubResource.Length: > 0 } => false,
        { Operation: AdmissionOperation.Create } => true,
        { Operation: AdmissionOperation.Update, Object: { } obj } =>
            obj["metadata"]?["deletionTimestamp"] is null && !JsonNode.DeepEquals(obj["spec"], attempt.OldObject?["spec"]),
        _ => false,
    };

    private static ValidationReport Validate<T>(JsonObject obj, Func<T, ValidationReport> validate)
        where T : class
    {
        T typed;
        try
        {
            typed = KubeJson.FromNode<T>(obj);
        }
        catch (System.Text.Json.JsonException e)
        {
            // The API server's schema check runs first, so this is a type the schema allows and our model does not.
            var report = new ValidationReport();
            report.Add(e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "spec", "cannot be read: " + e.Message.Split(" Path:")[0]);
            return report;
        }

        return validate(typed);
    }
}
