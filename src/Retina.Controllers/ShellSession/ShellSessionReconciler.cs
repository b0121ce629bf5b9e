using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Api.Common;
using Retina.Api.ShellSession;
using Retina.Controllers.Options;
using Retina.Controllers.Validation;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Events;
using Retina.Kube.Informers;
using Retina.Kube.Status;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Controllers.ShellSession;

/// <summary>
/// Drives a ShellSession: validates it against the admin's policy, runs its shell (a pod pinned to the node in the
/// Retina namespace, or an ephemeral container in the target pod), reports the phase and the kubectl commands, ends it
/// at its TTL, and removes what it created when it ends or is deleted (finalizer). Everything it needs after a restart
/// is in the API: expiry is creation time plus TTL, and the pod is found by its name.
/// </summary>
public sealed class ShellSessionReconciler(IKubeClient client, RetinaControllerOptions options, EventRecorder events, TimeProvider time) : IReconciler
{
    public const string Finalizer = "retina.sh/shell-cleanup";
    private static readonly TimeSpan RecheckRunning = TimeSpan.FromSeconds(30);
    private readonly ShellSessionValidator validator = new(options.ShellPolicy);

    public ObjectCache<Session>? Sessions { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var session = await client.LiveOrReleasedAsync(Sessions!, key, Finalizer, CleanUpAsync, ct).ConfigureAwait(false);
        if (session is null)
        {
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var report = validator.Validate(session);
        if (!report.IsValid)
        {
            var removed = await CleanUpAsync(session, ct).ConfigureAwait(false);
            await FinishAsync(key, session, new ShellObservation(ShellPhase.Failed, ShellReasons.InvalidSpec, report.Summary()), removed, now, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (ShellPhase.IsFinished(session.Status?.Phase))
        {
            await CleanUpAsync(session, ct).ConfigureAwait(false);
            await client.RemoveFinalizerAsync<Session>(key, Finalizer, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var expiresAt = ShellPodBuilder.ExpiresAt(session, now);
        if (now >= expiresAt)
        {
            var removed = await CleanUpAsync(session, ct).ConfigureAwait(false);
            await FinishAsync(key, session, new ShellObservation(ShellPhase.Expired, ShellReasons.TtlExpired, $"the TTL of {session.Spec.Ttl} ended at {expiresAt:O}"), removed, now, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        session = await client.AddFinalizerAsync<Session>(key, Finalizer, ct).ConfigureAwait(false) ?? session;
        var run = session.Spec.Target.NodeName is not null
            ? await RunOnNodeAsync(session, expiresAt, now, ct).ConfigureAwait(false)
            : await RunInPodAsync(session, expiresAt, now, ct).ConfigureAwait(false);
        if (ShellPhase.IsFinished(run.Observation.Phase))
        {
            var removed = await CleanUpAsync(session, ct).ConfigureAwait(false);
            await FinishAsync(key, session, run.Observation, removed, now, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        await WriteAsync(key, run, expiresAt, now, ct).ConfigureAwait(false);
        var left = expiresAt - now;
        return ReconcileResult.Requeue(left < RecheckRunning ? left : RecheckRunning);
    }

    private async Task<ShellRun> RunOnNodeAsync(Session session, DateTime expiresAt, DateTime now, CancellationToken ct)
    {
        var ns = options.Namespace;
        var name = ShellNames.PodName(session.Metadata.NamespaceProperty, session.Metadata.Name);
        var (exec, attach) = ShellPodBuilder.Commands(ns, name, ShellNames.Container);
        var pod = await client.GetAsync<V1Pod>(name, ns, ct).ConfigureAwait(false);
        if (pod is null)
        {
            if (session.Status?.PodName is not null && session.Status.Phase is ShellPhase.Running or ShellPhase.Pending)
            {
                return new ShellRun(new(ShellPhase.Failed, ShellReasons.PodGone, $"pod {ns}/{name} was deleted before the shell ended (not by Retina)"), name, null, exec, attach);
            }

            pod = await client.CreateAsync(ShellPodBuilder.NodePod(session, options.ShellPolicy, ns, expiresAt, now), ct).ConfigureAwait(false);
            await events.RecordAsync(session, EventRecorder.Normal, ShellReasons.Created,
                $"shell for {ShellRequester.Of(session)}: pod {ns}/{name} on node {session.Spec.Target.NodeName}, {Privileges(session)}", ct).ConfigureAwait(false);
        }

        return new ShellRun(ShellObservation.OfPod(pod), name, null, exec, attach);
    }

    private async Task<ShellRun> RunInPodAsync(Session session, DateTime expiresAt, DateTime now, CancellationToken ct)
    {
        var ns = session.Metadata.NamespaceProperty;
        var podName = session.Spec.Target.Pod!.Name;
        var container = ShellNames.EphemeralContainer(session.Metadata.Name);
        var (exec, attach) = ShellPodBuilder.Commands(ns, podName, container);
        var target = await client.GetAsync<V1Pod>(podName, ns, ct).ConfigureAwait(false);
        if (target is null)
        {
            return new ShellRun(new(ShellPhase.Pending, ShellReasons.TargetPodNotFound, $"pod {ns}/{podName} does not exist (yet): spec.target.pod.name"), podName, container, exec, attach);
        }

        var added = target.Spec.EphemeralContainers?.Any(c => c.Name == container) == true;
        if (!added && session.Status?.ContainerName is not null && session.Status.Phase == ShellPhase.Running)
        {
            return new ShellRun(new(ShellPhase.Failed, ShellReasons.TargetPodReplaced, $"pod {ns}/{podName} was replaced: the shell's ephemeral container is gone with the old pod"), podName, container, exec, attach);
        }

        if (!added)
        {
            if (client is not ISubresourceClient subresources)
            {
                return new ShellRun(new(ShellPhase.Failed, ShellReasons.EphemeralContainersUnsupported, "this API (local mode) has no pods/ephemeralcontainers: only node shells run here"), podName, container, exec, attach);
            }

            var value = JsonNode.Parse(k8s.KubernetesJson.Serialize(ShellPodBuilder.EphemeralContainer(session, options.ShellPolicy, expiresAt)))!;
            JsonArray patch = target.Spec.EphemeralContainers is { Count: > 0 }
                ? [new JsonObject { ["op"] = "add", ["path"] = "/spec/ephemeralContainers/-", ["value"] = value }]
                : [new JsonObject { ["op"] = "add", ["path"] = "/spec/ephemeralContainers", ["value"] = new JsonArray(value) }];
            target = await subresources.PatchSubresourceAsync<V1Pod>(podName, ns, "ephemeralcontainers", KubePatch.Json(patch), ct).ConfigureAwait(false);
            await events.RecordAsync(session, EventRecorder.Normal, ShellReasons.Created,
                $"shell for {ShellRequester.Of(session)}: ephemeral container {container} in pod {ns}/{podName}, {Privileges(session)}", ct).ConfigureAwait(false);
        }

        return new ShellRun(ShellObservation.OfEphemeral(target, container, expiresAt, now), podName, container, exec, attach);
    }

    /// <summary>Removes what the session created; returns what status.cleanup says. Idempotent.</summary>
    private async Task<string?> CleanUpAsync(Session session, CancellationToken ct)
    {
        if (session.Spec.Target.NodeName is not null)
        {
            var name = ShellNames.PodName(session.Metadata.NamespaceProperty, session.Metadata.Name);
            return await client.DeleteAsync<V1Pod>(name, options.Namespace, ct).ConfigureAwait(false)
                ? $"deleted pod {options.Namespace}/{name}"
                : session.Status?.Cleanup ?? (session.Status?.PodName is null ? "nothing to remove: no pod was created" : $"pod {options.Namespace}/{name} is gone");
        }

        return session.Status?.ContainerName is { } container
            ? $"ephemeral container {container} ended (its timeout stops it at expiresAt); Kubernetes cannot remove an ephemeral container: it stays, terminated, in pod {session.Metadata.NamespaceProperty}/{session.Spec.Target.Pod?.Name} until that pod is deleted"
            : "nothing to remove: no ephemeral container was added";
    }

    private async Task WriteAsync(ObjectKey key, ShellRun run, DateTime expiresAt, DateTime now, CancellationToken ct)
    {
        var before = Sessions!.Get(key)?.Status?.Phase;
        var updated = await client.UpdateStatusAsync<Session>(key, s =>
        {
            var json = System.Text.Json.JsonSerializer.Serialize(s.Status);
            var changed = ShellStatusWriter.Describe(s, options.ShellPolicy, expiresAt);
            var status = s.Status!;
            status.PodName = run.PodName;
            status.ContainerName = run.ContainerName;
            status.ExecCommand = run.Exec;
            status.AttachCommand = run.Attach;
            changed |= ShellStatusWriter.Observe(s, run.Observation, now);
            return changed || json != System.Text.Json.JsonSerializer.Serialize(s.Status) || s.Status!.ObservedGeneration != s.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        if (updated is not null && before != ShellPhase.Running && run.Observation.Phase == ShellPhase.Running)
        {
            await events.RecordAsync(updated, EventRecorder.Normal, ShellReasons.Running, $"shell of {ShellRequester.Of(updated)} is ready: {run.Attach}", ct).ConfigureAwait(false);
        }
    }

    private async Task FinishAsync(ObjectKey key, Session session, ShellObservation end, string? cleanup, DateTime now, CancellationToken ct)
    {
        var updated = await client.UpdateStatusAsync<Session>(key, s =>
        {
            var json = System.Text.Json.JsonSerializer.Serialize(s.Status);
            ShellStatusWriter.Describe(s, options.ShellPolicy, ShellPodBuilder.ExpiresAt(s, now));
            s.Status!.Cleanup = cleanup ?? s.Status.Cleanup;
            ShellStatusWriter.Observe(s, end, now);
            return json != System.Text.Json.JsonSerializer.Serialize(s.Status) || s.Status.ObservedGeneration != s.Metadata.Generation;
        }, ct).ConfigureAwait(false);
        if (updated is not null && session.Status?.Phase != end.Phase)
        {
            await events.RecordAsync(session, end.Phase == ShellPhase.Failed ? EventRecorder.Warning : EventRecorder.Normal, end.Reason,
                $"shell of {ShellRequester.Of(session)} {end.Phase.ToLowerInvariant()}: {end.Message}{(cleanup is null ? "" : "; " + cleanup)}", ct).ConfigureAwait(false);
        }

        await client.RemoveFinalizerAsync<Session>(key, Finalizer, ct).ConfigureAwait(false);
    }

    private static string Privileges(Session session)
    {
        var caps = ShellProfiles.EffectiveCapabilities(session.Spec);
        return $"profile {session.Spec.Profile ?? ShellProfiles.Default}, capabilities [{string.Join(", ", caps)}], host filesystem {HostFilesystemMode.Effective(session.Spec)}, hostPID {session.Spec.HostPid == true}, {ShellSecurity.Describe(session.Spec)}";
    }

    private sealed record ShellRun(ShellObservation Observation, string PodName, string? ContainerName, string Exec, string Attach);
}
