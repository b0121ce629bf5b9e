using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Client;

namespace Retina.Kube.Leader;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease through <see cref="IKubeClient"/> (so it works against the API,
/// the test fake and the local store alike). A lease is considered expired when this process has not seen it renewed
/// for <see cref="LeaderElectionOptions.LeaseDuration"/> (its own clock, never the holder's). Lease writes are PUTs
/// carrying the resourceVersion read, so two candidates never both win.
/// </summary>
public sealed partial class LeaderElector
{
    private readonly IKubeClient client;
    private readonly LeaderElectionOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private string? observedHolder;
    private DateTime? observedRenew;
    private DateTimeOffset observedAt;

    public LeaderElector(IKubeClient client, LeaderElectionOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        this.client = client;
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        time = timeProvider ?? TimeProvider.System;
    }

    public event Action? StartedLeading;

    /// <summary>Raised when leadership is lost (not on a clean shutdown): the process should exit.</summary>
    public event Action? LeadershipLost;

    public event Action<string>? NewLeader;

    public bool IsLeader { get; private set; }

    public string? CurrentLeader => observedHolder;

    /// <summary>
    /// Waits to become leader, then runs <paramref name="whileLeading"/> with a token cancelled when leadership is lost
    /// or <paramref name="cancellationToken"/> is. Returns true if it ended because leadership was lost.
    /// </summary>
    public async Task<bool> RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        try
        {
            while (!await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(options.RetryPeriod, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        IsLeader = true;
        LogAcquired(logger, options.Identity, options.LeaseName);
        StartedLeading?.Invoke();
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);
        var lost = false;
        var lastRenew = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
        {
            try
            {
                await Task.WhenAny(work, Task.Delay(options.RetryPeriod, time, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (work.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            bool renewed;
            try
            {
                renewed = await RenewWithinDeadlineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shut down in the middle of a renewal: still stop the work and release below, never throw out.
                break;
            }

            if (renewed)
            {
                lastRenew = time.GetUtcNow();
            }
            else if (observedHolder != options.Identity || time.GetUtcNow() - lastRenew > options.RenewDeadline)
            {
                lost = true;
                break;
            }
        }

        IsLeader = false;
        await leading.CancelAsync().ConfigureAwait(false);
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The work stops by cancellation.
        }

        if (lost)
        {
            LogLost(logger, options.Identity, options.LeaseName);
            LeadershipLost?.Invoke();
        }
        else if (options.ReleaseOnCancel)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }

        return lost;
    }

    /// <summary>One renewal, given at most RenewDeadline (as client-go does): a request that hangs counts as a failed renewal.</summary>
    private async Task<bool> RenewWithinDeadlineAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(options.RenewDeadline, time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await TryAcquireOrRenewAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogRenewTimedOut(logger, options.LeaseName, options.RenewDeadline.TotalSeconds);
            return false;
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            var lease = await client.GetAsync<V1Lease>(options.LeaseName, options.Namespace, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                await client.CreateAsync(new V1Lease
                {
                    ApiVersion = "coordination.k8s.io/v1",
                    Kind = "Lease",
                    Metadata = new V1ObjectMeta { Name = options.LeaseName, NamespaceProperty = options.Namespace },
                    Spec = NewSpec(now, 0),
                }, cancellationToken).ConfigureAwait(false);
                Observe(options.Identity, now.UtcDateTime, now);
                return true;
            }

            var spec = lease.Spec ?? new V1LeaseSpec();
            Observe(spec.HolderIdentity, spec.RenewTime, now);
            var heldByOther = !string.IsNullOrEmpty(spec.HolderIdentity) && spec.HolderIdentity != options.Identity;
            if (heldByOther && observedAt + options.LeaseDuration > now)
            {
                return false;
            }

            lease.Spec = spec.HolderIdentity == options.Identity
                ? new V1LeaseSpec
                {
                    HolderIdentity = options.Identity,
                    LeaseDurationSeconds = (int)options.LeaseDuration.TotalSeconds,
                    AcquireTime = spec.AcquireTime,
                    RenewTime = now.UtcDateTime,
                    LeaseTransitions = spec.LeaseTransitions,
                }
                : NewSpec(now, (spec.LeaseTransitions ?? 0) + 1);
            await client.UpdateAsync(lease, cancellationToken).ConfigureAwait(false);
            Observe(options.Identity, now.UtcDateTime, now);
            return true;
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return false;
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException)
        {
            LogRenewFailed(logger, e, options.LeaseName);
            return false;
        }
    }

    private V1LeaseSpec NewSpec(DateTimeOffset now, int transitions) => new()
    {
        HolderIdentity = options.Identity,
        LeaseDurationSeconds = (int)options.LeaseDuration.TotalSeconds,
        AcquireTime = now.UtcDateTime,
        RenewTime = now.UtcDateTime,
        LeaseTransitions = transitions,
    };

    private void Observe(string? holder, DateTime? renew, DateTimeOffset now)
    {
        if (holder == observedHolder && renew == observedRenew)
        {
            return;
        }

        var changedHolder = holder != observedHolder;
        (observedHolder, observedRenew, observedAt) = (holder, renew, now);
        if (changedHolder && !string.IsNullOrEmpty(holder))
        {
            NewLeader?.Invoke(holder);
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.RenewDeadline, time);
            var lease = await client.GetAsync<V1Lease>(options.LeaseName, options.Namespace, timeout.Token).ConfigureAwait(false);
            if (lease?.Spec?.HolderIdentity != options.Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = null;
            lease.Spec.RenewTime = null;
            await client.UpdateAsync(lease, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            LogRenewFailed(logger, e, options.LeaseName);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "{Identity} became leader on lease {Lease}")]
    private static partial void LogAcquired(ILogger logger, string identity, string lease);

    [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "{Identity} lost leadership of lease {Lease}")]
    private static partial void LogLost(ILogger logger, string identity, string lease);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Could not read or write lease {Lease}")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Renewing lease {Lease} took longer than the renew deadline ({Seconds} s)")]
    private static partial void LogRenewTimedOut(ILogger logger, string lease, double seconds);
}
