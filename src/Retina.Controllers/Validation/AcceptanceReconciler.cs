using k8s;
using k8s.Models;
using Retina.Api;
using Retina.Api.Common;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Informers;
using Retina.Kube.Status;
using Conditions = Retina.Api.Common.Conditions;

namespace Retina.Controllers.Validation;

/// <summary>
/// Admits an object: validates it and writes the Accepted condition (with every field path on failure), plus
/// what its kind shows for a rejected spec (e.g. a Capture's phase Failed and Retina's error condition).
/// Kinds whose full reconciler has not landed yet run only this, so bad input is visible on every kind.
/// </summary>
public sealed class AcceptanceReconciler<T>(IKubeClient client, ResourceKind kind, TimeProvider time, Action<T, ValidationReport, DateTime> onVerdict)
    : IReconciler
    where T : class, IResource, IKubernetesObject<V1ObjectMeta>
{
    public const string ConditionAccepted = "Accepted";
    public const string ReasonValid = "Valid";
    public const string ReasonInvalidSpec = "InvalidSpec";
    public const string ReasonAccepted = "Accepted";

    public ObjectCache<T>? Cache { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var cached = Cache!.Get(key);
        if (cached is null || cached.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        await client.UpdateStatusAsync<T>(key, obj =>
        {
            var report = kind.Validate(obj);
            var now = time.GetUtcNow().UtcDateTime;
            var changed = Conditions.Set(obj.StatusConditions, ConditionAccepted,
                report.IsValid ? ConditionStatus.True : ConditionStatus.False,
                report.IsValid ? ReasonValid : ReasonInvalidSpec,
                report.IsValid ? "spec is valid" : report.Summary(),
                obj.Metadata.Generation, now);
            var before = System.Text.Json.JsonSerializer.Serialize(obj);
            onVerdict(obj, report, now);
            // No run-time reconciler yet for these kinds: an accepted spec is all there is to reach, a rejected one is final until edited.
            changed |= report.IsValid
                ? HealthConditions.Current(obj.StatusConditions, ReasonAccepted, "spec is accepted", obj.Metadata.Generation, now)
                : HealthConditions.Failed(obj.StatusConditions, ReasonInvalidSpec, report.Summary(), obj.Metadata.Generation, now);
            return changed || before != System.Text.Json.JsonSerializer.Serialize(obj) || obj.StatusObservedGeneration != obj.Metadata.Generation;
        }, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }
}
