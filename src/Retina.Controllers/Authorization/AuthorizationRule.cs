using Retina.Controllers.Admission;

namespace Retina.Controllers.Authorization;

/// <summary>
/// What every requester-authorization rule does first: judge only the writes <see cref="AuthorizedWrites.NeedsCheck"/>
/// names, of its own kind, and read the typed object (an unreadable one is denied as invalid); then the rule decides.
/// </summary>
public abstract class AuthorizationRule<T>(string kind) : IAdmissionRule
    where T : class
{
    public async Task<AdmissionDenial?> CheckAsync(AdmissionAttempt attempt, CancellationToken cancellationToken)
    {
        if (!AuthorizedWrites.NeedsCheck(attempt, kind))
        {
            return null;
        }

        var (value, invalid) = AuthorizedWrites.Read<T>(attempt);
        return value is null ? invalid : await AuthorizeAsync(value, attempt, cancellationToken).ConfigureAwait(false);
    }

    /// <returns>null when the requester may make this write.</returns>
    protected abstract Task<AdmissionDenial?> AuthorizeAsync(T value, AdmissionAttempt attempt, CancellationToken cancellationToken);
}
