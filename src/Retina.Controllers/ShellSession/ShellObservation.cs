using k8s.Models;
using Retina.Api.ShellSession;

namespace Retina.Controllers.ShellSession;

/// <summary>What a shell's container shows, turned into a session phase with a reason and a message.</summary>
public sealed record ShellObservation(string Phase, string Reason, string Message, DateTime? StartedAt = null)
{
    /// <summary>A node shell, from its pod.</summary>
    public static ShellObservation OfPod(V1Pod pod)
    {
        var state = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == ShellNames.Container)?.State;
        return pod.Status?.Phase switch
        {
            "Succeeded" => new(ShellPhase.Completed, ShellReasons.Exited, "the shell exited" + Exit(state)),
            "Failed" when pod.Status.Reason == "DeadlineExceeded" => new(ShellPhase.Expired, ShellReasons.TtlExpired, "the pod's activeDeadlineSeconds (the TTL) ended the shell"),
            "Failed" => new(ShellPhase.Failed, ShellReasons.ShellFailed, $"the shell pod failed: {pod.Status.Reason ?? "no reason given"}{Exit(state)} {pod.Status.Message}".TrimEnd()),
            _ => OfState(state, $"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}"),
        };
    }

    /// <summary>A pod shell, from its ephemeral container's status in the target pod.</summary>
    public static ShellObservation OfEphemeral(V1Pod target, string container, DateTime expiresAt, DateTime now)
    {
        var state = target.Status?.EphemeralContainerStatuses?.FirstOrDefault(c => c.Name == container)?.State;
        if (state?.Terminated is { } t)
        {
            return now >= expiresAt || t.ExitCode == 137 && t.FinishedAt >= expiresAt.AddSeconds(-1)
                ? new(ShellPhase.Expired, ShellReasons.TtlExpired, $"the ephemeral container's timeout ended the shell at the TTL{Exit(state)}")
                : t.ExitCode == 0
                    ? new(ShellPhase.Completed, ShellReasons.Exited, "the shell exited" + Exit(state))
                    : new(ShellPhase.Failed, ShellReasons.ShellFailed, $"the shell ended: {t.Reason ?? "error"}{Exit(state)}");
        }

        return OfState(state, $"ephemeral container {container} of pod {target.Metadata.NamespaceProperty}/{target.Metadata.Name}");
    }

    private static ShellObservation OfState(V1ContainerState? state, string what) => state switch
    {
        { Running: { } r } => new(ShellPhase.Running, ShellReasons.Running, $"the shell runs in {what}", r.StartedAt),
        { Waiting: { } w } => new(ShellPhase.Pending, w.Reason ?? ShellReasons.Starting, $"{what} is waiting: {w.Reason}{(w.Message is null ? "" : ": " + w.Message)}"),
        _ => new(ShellPhase.Pending, ShellReasons.Starting, $"{what} is starting"),
    };

    private static string Exit(V1ContainerState? state) =>
        state?.Terminated is { } t ? $" (exit code {t.ExitCode})" : "";
}
