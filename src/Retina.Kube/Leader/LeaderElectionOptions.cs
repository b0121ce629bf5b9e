namespace Retina.Kube.Leader;

public sealed record LeaderElectionOptions
{
    public required string LeaseName { get; init; }

    public required string Namespace { get; init; }

    /// <summary>This process's identity in the lease (pod name, or host name plus a random suffix).</summary>
    public required string Identity { get; init; }

    /// <summary>How long others wait, after they last saw the lease renewed, before taking it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leadership.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire and the leader renews.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Clear the holder on a clean shutdown so a successor need not wait for the lease to run out.</summary>
    public bool ReleaseOnCancel { get; init; } = true;
}
