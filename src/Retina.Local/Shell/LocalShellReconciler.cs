using Retina.Api.Common;
using Retina.Api.ShellSession;
using Retina.Controllers.ShellSession;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Events;
using Retina.Kube.Informers;
using Retina.Kube.Status;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Local.Shell;

/// <summary>
/// Local mode's ShellSession controller: a session for this host runs as a <see cref="LocalShell"/> process with
/// exactly its profile's capabilities, ended at its TTL; status and events as in a cluster (the same
/// <see cref="ShellStatusWriter"/>), with <c>scripts/retina attach</c> as the command. Pod targets need a cluster.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalShellReconciler(IKubeClient store, ShellPolicy policy, LocalShellSettings settings, EventRecorder events, TimeProvider time)
    : IReconciler, IAsyncDisposable
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);
    private readonly ShellSessionValidator validator = new(policy);
    private readonly Dictionary<ObjectKey, (string? Uid, LocalShell Shell)> running = [];
    private readonly SemaphoreSlim gate = new(1, 1);

    // Sessions (by uid) whose shell ended in this process: never started again, even when writing their final status failed.
    private readonly Dictionary<string, ShellObservation> endings = new(StringComparer.Ordinal);

    public ObjectCache<Session>? Sessions { get; set; }

    /// <summary>Called with a session's key when its shell ends by itself (the hosting controller enqueues it).</summary>
    public Action<ObjectKey>? Wake { get; set; }

    /// <summary>The running shell of a session (tests read its process id).</summary>
    public LocalShell? ShellOf(ObjectKey key) => running.TryGetValue(key, out var r) ? r.Shell : null;

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await ReconcileLockedAsync(key, ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, shell) in running.Values)
        {
            await shell.DisposeAsync().ConfigureAwait(false);
        }

        running.Clear();
    }

    private async Task<ReconcileResult> ReconcileLockedAsync(ObjectKey key, CancellationToken ct)
    {
        var session = Sessions!.Get(key);
        if (session is null || session.IsBeingDeleted())
        {
            await StopAsync(key, "Stopped").ConfigureAwait(false);
            if (session is not null)
            {
                await store.RemoveFinalizerAsync<Session>(key, ShellSessionReconciler.Finalizer, ct).ConfigureAwait(false);
            }

            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var expiresAt = ShellPodBuilder.ExpiresAt(session, now);
        if (Refusal(session) is { } refusal)
        {
            await StopAsync(key, "Stopped").ConfigureAwait(false);
            await FinishAsync(key, session, refusal, expiresAt, now, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (ShellPhase.IsFinished(session.Status?.Phase))
        {
            await StopAsync(key, "Stopped").ConfigureAwait(false);
            await store.RemoveFinalizerAsync<Session>(key, ShellSessionReconciler.Finalizer, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (running.TryGetValue(key, out var current) && current.Uid != session.Metadata.Uid)
        {
            await StopAsync(key, "Stopped").ConfigureAwait(false);
        }

        if (now >= expiresAt)
        {
            var pid = ShellOf(key)?.Pid;
            await StopAsync(key, "Expired").ConfigureAwait(false);
            await FinishAsync(key, session, new(ShellPhase.Expired, ShellReasons.TtlExpired,
                $"the TTL of {session.Spec.Ttl} ended at {expiresAt:O}{(pid is null ? "" : $"; shell process {pid} and everything it started were killed")}"), expiresAt, now, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (ShellOf(key) is { EndReason: { } reason } ended)
        {
            await ended.Exited.ConfigureAwait(false);
            var exit = ended.ExitCode;
            await StopAsync(key, reason).ConfigureAwait(false);
            var end = reason switch
            {
                "IdleTimeout" => new ShellObservation(ShellPhase.Expired, "IdleTimeout", $"no input for {session.Spec.IdleTimeout} (spec.idleTimeout): the shell was ended"),
                "Expired" => new ShellObservation(ShellPhase.Expired, ShellReasons.TtlExpired, $"the TTL of {session.Spec.Ttl} ended at {expiresAt:O}"),
                _ when exit == ShellLauncher.FailedExit => new ShellObservation(ShellPhase.Failed, ShellReasons.ShellFailed, "the shell could not be confined or started (exit code 126): see local mode's output"),
                _ => new ShellObservation(ShellPhase.Completed, ShellReasons.Exited, $"the shell exited (exit code {exit})"),
            };
            await FinishAsync(key, session, end, expiresAt, now, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (ShellOf(key) is null && session.Metadata.Uid is { } uid && endings.TryGetValue(uid, out var last))
        {
            await FinishAsync(key, session, last, expiresAt, now, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (ShellOf(key) is null)
        {
            session = await store.AddFinalizerAsync<Session>(key, ShellSessionReconciler.Finalizer, ct).ConfigureAwait(false) ?? session;
            var shell = LocalShell.Start(new LocalShellStart(key.Namespace ?? "", key.Name, ShellProfiles.EffectiveCapabilities(session.Spec),
                HostFilesystemMode.Effective(session.Spec), settings.HostPath, LocalShellPaths.Socket(settings.StateDirectory, key.Namespace ?? "", key.Name),
                expiresAt, session.Spec.IdleTimeout is { } idle && GoDuration.TryParse(idle, out var span) ? span : null), time);
            running[key] = (session.Metadata.Uid, shell);
            _ = shell.Exited.ContinueWith(_ => Wake?.Invoke(key), TaskScheduler.Default);
            await events.RecordAsync(session, EventRecorder.Normal, ShellReasons.Created,
                $"shell for {ShellRequester.Of(session)}: process {shell.Pid} on this host, capabilities [{string.Join(", ", ShellProfiles.EffectiveCapabilities(session.Spec))}], host filesystem {HostFilesystemMode.Effective(session.Spec)}", ct).ConfigureAwait(false);
        }

        var pidNow = ShellOf(key)!.Pid;
        await store.UpdateStatusAsync<Session>(key, s =>
        {
            var json = System.Text.Json.JsonSerializer.Serialize(s.Status);
            Describe(s, expiresAt);
            ShellStatusWriter.Observe(s, new(ShellPhase.Running, ShellReasons.Running, $"the shell runs as process {pidNow} on this host: {s.Status!.AttachCommand}"), now);
            return json != System.Text.Json.JsonSerializer.Serialize(s.Status) || s.Status!.ObservedGeneration != s.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        var left = expiresAt - now;
        return ReconcileResult.Requeue(left < Recheck ? left : Recheck);
    }

    /// <summary>Why this session cannot run here, or null.</summary>
    private ShellObservation? Refusal(Session session)
    {
        var report = validator.Validate(session);
        if (!report.IsValid)
        {
            return new(ShellPhase.Failed, ShellReasons.InvalidSpec, report.Summary());
        }

        if (session.Spec.Target.Pod is not null)
        {
            return new(ShellPhase.Failed, ShellReasons.EphemeralContainersUnsupported, "local mode runs node shells only (spec.target.nodeName): a pod shell needs a cluster's pods/ephemeralcontainers");
        }

        if (session.Spec.Target.NodeName != settings.NodeName && session.Spec.Target.NodeName != LocalShellSettings.ThisHost)
        {
            return new(ShellPhase.Failed, "NotThisNode", $"spec.target.nodeName: local mode runs shells on this host only (node \"{settings.NodeName}\", or \"{LocalShellSettings.ThisHost}\")");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return new(ShellPhase.Failed, "NotRoot", "local shells need root: the shell's capabilities and mount namespace are set by this process (run local mode as root)");
        }

        var held = Native.Libc.ShellConfinement.BoundingMask();
        var missing = ShellProfiles.EffectiveCapabilities(session.Spec).Where(c => (held & Native.Libc.ShellConfinement.Mask([c])) == 0).ToList();
        return missing.Count == 0 ? null
            : new(ShellPhase.Failed, "CapabilityUnavailable", $"spec.profile/spec.capabilities: local mode itself does not hold {string.Join(", ", missing)} (its bounding set), and a shell cannot get more than this process has");
    }

    private void Describe(Session s, DateTime expiresAt)
    {
        ShellStatusWriter.Describe(s, policy, expiresAt);
        var status = s.Status!;
        status.Image = "none: local mode runs this host's programs";
        status.Confinement = "local process: its capabilities only (no seccomp or AppArmor profile)";
        status.PodName = null;
        status.ExecCommand = $"scripts/retina attach {s.Metadata.Name} -n {s.Metadata.NamespaceProperty}";
        status.AttachCommand = status.ExecCommand;
    }

    private async Task FinishAsync(ObjectKey key, Session session, ShellObservation end, DateTime expiresAt, DateTime now, CancellationToken ct)
    {
        if (session.Metadata.Uid is { } uid)
        {
            endings[uid] = end;
        }

        var updated = await store.UpdateStatusAsync<Session>(key, s =>
        {
            var json = System.Text.Json.JsonSerializer.Serialize(s.Status);
            Describe(s, expiresAt);
            s.Status!.Cleanup = end.Reason == ShellReasons.InvalidSpec || s.Status.StartTime is null ? "nothing to remove: no shell was started" : "the shell process and everything it started were ended";
            ShellStatusWriter.Observe(s, end, now);
            return json != System.Text.Json.JsonSerializer.Serialize(s.Status) || s.Status.ObservedGeneration != s.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        if (updated is not null && session.Status?.Phase != end.Phase)
        {
            await events.RecordAsync(session, end.Phase == ShellPhase.Failed ? EventRecorder.Warning : EventRecorder.Normal, end.Reason,
                $"shell of {ShellRequester.Of(session)} {end.Phase.ToLowerInvariant()}: {end.Message}", ct).ConfigureAwait(false);
        }

        await store.RemoveFinalizerAsync<Session>(key, ShellSessionReconciler.Finalizer, ct).ConfigureAwait(false);
    }

    private async Task StopAsync(ObjectKey key, string reason)
    {
        if (running.Remove(key, out var r))
        {
            await r.Shell.StopAsync(reason).ConfigureAwait(false);
            await r.Shell.DisposeAsync().ConfigureAwait(false);
        }
    }
}
