namespace Retina.Controllers.Admission;

/// <summary>
/// One check the admission webhook makes on every write of our kinds (validation, authorization of the requester, ...).
/// Rules run in registration order; the first denial is the answer. A rule that cannot decide because a dependency
/// failed (e.g. the SubjectAccessReview call) throws, and the webhook answers per its failure policy.
/// </summary>
public interface IAdmissionRule
{
    /// <returns>null when this rule allows the write.</returns>
    Task<AdmissionDenial?> CheckAsync(AdmissionAttempt attempt, CancellationToken cancellationToken);
}
