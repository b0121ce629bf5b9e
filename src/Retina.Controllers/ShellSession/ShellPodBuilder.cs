using k8s.Models;
using Retina.Api.Common;
using Retina.Api.ShellSession;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Controllers.ShellSession;

/// <summary>
/// Pure functions from a ShellSession to what runs it: a host-network pod pinned to the node (node target) or an
/// ephemeral container (pod target). Unit-tested without I/O; the reconciler only creates what these return.
/// </summary>
public static class ShellPodBuilder
{
    /// <summary>bash when the image has it (TMOUT is the idle timeout), else sh.</summary>
    public const string ShellScript = "if command -v bash >/dev/null 2>&1; then exec bash -l; fi; exec sh -l";

    /// <summary>The expiry (Unix seconds) an ephemeral container's timeout counts down to, however late the image pull makes it start.</summary>
    public const string ExpiresVariable = "RETINA_SHELL_EXPIRES";

    public const string EphemeralScript = "d=$((" + ExpiresVariable + " - $(date +%s))); [ \"$d\" -gt 0 ] || exit 0; exec timeout -s KILL \"$d\" sh -c '" + ShellScript + "'";

    public const string HostVolume = "host";
    public const string HostMountPath = "/host";

    /// <summary>The node pod, in <paramref name="retinaNamespace"/>, living at most until <paramref name="expiresAt"/>.</summary>
    public static V1Pod NodePod(Session session, ShellPolicy policy, string retinaNamespace, DateTime expiresAt, DateTime now)
    {
        var spec = session.Spec;
        var ns = session.Metadata.NamespaceProperty;
        var node = spec.Target.NodeName!;
        var hostFs = HostFilesystemMode.Effective(spec);
        var container = new V1Container
        {
            Name = ShellNames.Container,
            Image = policy.ImageOf(spec),
            ImagePullPolicy = "IfNotPresent",
            Command = ["sh", "-c", ShellScript],
            Stdin = true,
            Tty = true,
            Env = Env(session),
            SecurityContext = ShellSecurity.For(spec),
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("32Mi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("1Gi") },
            },
            VolumeMounts = hostFs == HostFilesystemMode.None ? null :
            [
                new V1VolumeMount { Name = HostVolume, MountPath = HostMountPath, ReadOnlyProperty = hostFs == HostFilesystemMode.ReadOnly },
            ],
        };
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = ShellNames.PodName(ns, session.Metadata.Name),
                NamespaceProperty = retinaNamespace,
                Labels = ShellNames.Labels(ns, session.Metadata.Name),
                Annotations = Annotations(session),

                // An owner reference only where Kubernetes allows one (same namespace); elsewhere the labels and the finalizer clean up.
                OwnerReferences = ns == retinaNamespace ? [Owner(session)] : null,
            },
            Spec = new V1PodSpec
            {
                Affinity = new V1Affinity
                {
                    NodeAffinity = new V1NodeAffinity
                    {
                        RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                        {
                            NodeSelectorTerms =
                            [
                                new V1NodeSelectorTerm
                                {
                                    MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [node] }],
                                },
                            ],
                        },
                    },
                },
                Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
                HostNetwork = true,
                HostPID = spec.HostPid == true ? true : null,
                DnsPolicy = "ClusterFirstWithHostNet",
                RestartPolicy = "Never",
                ActiveDeadlineSeconds = RemainingSeconds(expiresAt, now),
                TerminationGracePeriodSeconds = 1,
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                Containers = [container],
                Volumes = hostFs == HostFilesystemMode.None ? null :
                [
                    new V1Volume { Name = HostVolume, HostPath = new V1HostPathVolumeSource { Path = "/", Type = "Directory" } },
                ],
            },
        };
    }

    /// <summary>
    /// The ephemeral container of a pod shell. It cannot be removed once added, so it ends itself: <c>timeout -s KILL</c>
    /// stops its process at expiresAt (the image needs coreutils' or busybox's timeout and date).
    /// </summary>
    public static V1EphemeralContainer EphemeralContainer(Session session, ShellPolicy policy, DateTime expiresAt)
    {
        var spec = session.Spec;
        return new V1EphemeralContainer
        {
            Name = ShellNames.EphemeralContainer(session.Metadata.Name),
            Image = policy.ImageOf(spec),
            ImagePullPolicy = "IfNotPresent",
            Command = ["sh", "-c", EphemeralScript],
            Stdin = true,
            Tty = true,
            Env = [.. Env(session), new V1EnvVar { Name = ExpiresVariable, Value = new DateTimeOffset(expiresAt, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }],
            SecurityContext = ShellSecurity.For(spec),
            TargetContainerName = spec.Target.Pod!.Container,
        };
    }

    /// <summary>Seconds from now to expiry, at least 1 (activeDeadlineSeconds must be positive).</summary>
    public static long RemainingSeconds(DateTime expiresAt, DateTime now) => Math.Max(1, (long)Math.Ceiling((expiresAt - now).TotalSeconds));

    /// <summary>When the session ends: its creation plus its TTL (stable across controller restarts).</summary>
    public static DateTime ExpiresAt(Session session, DateTime now)
    {
        var created = session.Metadata.CreationTimestamp ?? now;
        return GoDuration.TryParse(session.Spec.Ttl, out var ttl) ? created + ttl : created;
    }

    /// <summary><c>kubectl exec</c> and <c>kubectl attach</c> for the shell.</summary>
    public static (string Exec, string Attach) Commands(string ns, string pod, string container) =>
        ($"kubectl exec -it -n {ns} {pod} -c {container} -- sh",
         $"kubectl attach -it -n {ns} {pod} -c {container}");

    private static List<V1EnvVar> Env(Session session)
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = "RETINA_SHELLSESSION", Value = session.Metadata.NamespaceProperty + "/" + session.Metadata.Name },
        };
        if (session.Spec.IdleTimeout is { } idle && GoDuration.TryParse(idle, out var span))
        {
            // bash and ash end an interactive shell after TMOUT seconds without input at the prompt.
            env.Add(new V1EnvVar { Name = "TMOUT", Value = ((long)Math.Ceiling(span.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return env;
    }

    private static Dictionary<string, string> Annotations(Session session)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["retina.sh/shellsession"] = session.Metadata.NamespaceProperty + "/" + session.Metadata.Name,
        };
        if (session.Metadata.Annotations?.TryGetValue(ShellRequester.Annotation, out var who) == true)
        {
            annotations[ShellRequester.Annotation] = who;
        }

        return annotations;
    }

    private static V1OwnerReference Owner(Session session) => new()
    {
        ApiVersion = session.ApiVersion ?? "retina.sh/v1alpha1",
        Kind = Session.KindName,
        Name = session.Metadata.Name,
        Uid = session.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = false,
    };
}
