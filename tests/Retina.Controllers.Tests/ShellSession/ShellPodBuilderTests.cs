using k8s.Models;
using Retina.Api.ShellSession;
using Retina.Controllers.ShellSession;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Controllers.Tests.ShellSession;

/// <summary>The pod spec and ephemeral container each profile and target produce (pure builder, no API).</summary>
public sealed class ShellPodBuilderTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, string[]> Profiles => new()
    {
        { "restricted", [] },
        { "baseline", [] },
        { "general", ["SYS_PTRACE"] },
        { "netadmin", ["NET_ADMIN", "NET_RAW"] },
        { "sysadmin", ["DAC_READ_SEARCH", "KILL", "NET_ADMIN", "NET_RAW", "SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE"] },
        { "bpf", ["BPF", "NET_ADMIN", "PERFMON", "SYS_RESOURCE"] },
    };

    internal static Session NodeSession(string? profile = null, string ns = "team-a", string ttl = "30m")
    {
        var s = new Session { ApiVersion = "retina.sh/v1alpha1" };
        s.Metadata.Name = "debug";
        s.Metadata.NamespaceProperty = ns;
        s.Metadata.Uid = "uid-1";
        s.Metadata.CreationTimestamp = Now;
        s.Spec.Target.NodeName = "node-1";
        s.Spec.Profile = profile;
        s.Spec.Ttl = ttl;
        return s;
    }

    internal static Session PodSession(string? profile = null)
    {
        var s = NodeSession(profile);
        s.Spec.Target = new ShellTarget { Pod = new ShellPodTarget { Name = "web-0", Container = "web" } };
        return s;
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_node_shell_drops_every_capability_and_adds_exactly_its_profiles(string profile, string[] caps)
    {
        var pod = ShellPodBuilder.NodePod(NodeSession(profile), ShellPolicy.Default, "retina-system", Now.AddMinutes(30), Now);
        var security = pod.Spec.Containers.Single().SecurityContext;
        security.Capabilities.Drop.ShouldBe(["ALL"]);
        (security.Capabilities.Add ?? []).ShouldBe(caps);
        security.Privileged.ShouldBe(false);
        security.AllowPrivilegeEscalation.ShouldBe(caps.Contains("SYS_ADMIN"), "the API server refuses SYS_ADMIN without privilege escalation; nothing else needs it");
        security.SeccompProfile.Type.ShouldBe(profile == "bpf" ? "Unconfined" : "RuntimeDefault");
        security.AppArmorProfile.Type.ShouldBe(profile == "bpf" ? "Unconfined" : "RuntimeDefault");
        security.RunAsNonRoot.ShouldBe(profile == "restricted" ? true : null);
        security.RunAsUser.ShouldBe(profile == "restricted" ? ShellProfiles.NonRootUid : 0);
    }

    [Fact]
    public void A_node_shell_is_pinned_to_its_node_in_the_host_network_tolerating_every_taint_for_the_remaining_ttl()
    {
        var pod = ShellPodBuilder.NodePod(NodeSession(), ShellPolicy.Default, "retina-system", Now.AddMinutes(30), Now.AddMinutes(10));
        pod.Metadata.NamespaceProperty.ShouldBe("retina-system");
        var term = pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single();
        term.MatchFields.Single().Key.ShouldBe("metadata.name");
        term.MatchFields.Single().Values.ShouldBe(["node-1"]);
        pod.Spec.NodeName.ShouldBeNull("the scheduler places it, so taints, resources and the affinity are honoured");
        pod.Spec.HostNetwork.ShouldBe(true);
        pod.Spec.HostPID.ShouldBeNull();
        pod.Spec.Tolerations.Single().OperatorProperty.ShouldBe("Exists");
        pod.Spec.Tolerations.Single().Key.ShouldBeNull();
        pod.Spec.ActiveDeadlineSeconds.ShouldBe(20 * 60);
        pod.Spec.RestartPolicy.ShouldBe("Never");
        pod.Spec.AutomountServiceAccountToken.ShouldBe(false);
        pod.Spec.Volumes.ShouldBeNull("nothing is mounted that was not asked for");
        pod.Spec.Containers.Single().VolumeMounts.ShouldBeNull();
        pod.Spec.Containers.Single().Stdin.ShouldBe(true);
        pod.Spec.Containers.Single().Tty.ShouldBe(true);
        pod.Spec.Containers.Single().Image.ShouldBe(ShellPolicy.Default.DefaultImage);
    }

    [Fact]
    public void A_session_in_another_namespace_is_tied_to_its_pod_by_labels_because_owner_references_cannot_cross_namespaces()
    {
        var elsewhere = ShellPodBuilder.NodePod(NodeSession(ns: "team-a"), ShellPolicy.Default, "retina-system", Now.AddMinutes(30), Now);
        elsewhere.Metadata.OwnerReferences.ShouldBeNull();
        elsewhere.Metadata.Labels[ShellNames.SessionNamespaceLabel].ShouldBe("team-a");
        elsewhere.Metadata.Labels[ShellNames.SessionNameLabel].ShouldBe("debug");

        var same = ShellPodBuilder.NodePod(NodeSession(ns: "retina-system"), ShellPolicy.Default, "retina-system", Now.AddMinutes(30), Now);
        same.Metadata.OwnerReferences.Single().Uid.ShouldBe("uid-1");
        same.Metadata.OwnerReferences.Single().Kind.ShouldBe("ShellSession");
    }

    [Theory]
    [InlineData("None", null)]
    [InlineData("ReadOnly", true)]
    [InlineData("ReadWrite", false)]
    public void The_host_filesystem_is_mounted_at_host_only_when_asked_and_writable_only_for_ReadWrite(string mode, bool? readOnly)
    {
        var s = NodeSession();
        s.Spec.HostFilesystem = mode;
        var pod = ShellPodBuilder.NodePod(s, ShellPolicy.Default, "retina-system", Now.AddMinutes(30), Now);
        var mount = pod.Spec.Containers.Single().VolumeMounts?.SingleOrDefault();
        if (readOnly is null)
        {
            mount.ShouldBeNull();
            pod.Spec.Volumes.ShouldBeNull();
            return;
        }

        mount!.MountPath.ShouldBe("/host");
        mount.ReadOnlyProperty.ShouldBe(readOnly);
        pod.Spec.Volumes.Single().HostPath.Path.ShouldBe("/");
    }

    [Fact]
    public void The_older_booleans_still_mean_what_they_said()
    {
        var s = NodeSession();
        s.Spec.MountHostFilesystem = true;
        HostFilesystemMode.Effective(s.Spec).ShouldBe("ReadOnly");
        s.Spec.AllowHostFilesystemWrite = true;
        HostFilesystemMode.Effective(s.Spec).ShouldBe("ReadWrite");
    }

    [Fact]
    public void An_idle_timeout_becomes_the_shells_TMOUT()
    {
        var s = NodeSession();
        s.Spec.IdleTimeout = "10m";
        ShellPodBuilder.NodePod(s, ShellPolicy.Default, "retina-system", Now.AddMinutes(30), Now).Spec.Containers.Single().Env
            .ShouldContain(e => e.Name == "TMOUT" && e.Value == "600");
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_pod_shell_is_an_ephemeral_container_with_the_same_rules_that_ends_itself_at_expiry(string profile, string[] caps)
    {
        var expires = Now.AddMinutes(15);
        var c = ShellPodBuilder.EphemeralContainer(PodSession(profile), ShellPolicy.Default, expires);
        c.Name.ShouldBe("retina-shell-debug");
        c.TargetContainerName.ShouldBe("web");
        c.SecurityContext.Capabilities.Drop.ShouldBe(["ALL"]);
        (c.SecurityContext.Capabilities.Add ?? []).ShouldBe(caps);
        c.Command.ShouldBe(["sh", "-c", ShellPodBuilder.EphemeralScript]);
        c.Env.ShouldContain(e => e.Name == ShellPodBuilder.ExpiresVariable && e.Value == new DateTimeOffset(expires).ToUnixTimeSeconds().ToString());
    }

    [Fact]
    public void The_ephemeral_script_kills_the_shell_at_expiry_in_a_real_sh()
    {
        // The script's arithmetic and quoting, run by dash: an expiry in the past ends it at once; one in the future runs the shell under timeout.
        var past = Run(ShellPodBuilder.EphemeralScript.Replace("sh -c '", "echo RAN sh -c '"), DateTimeOffset.UtcNow.AddSeconds(-5));
        past.ShouldBe("");
        var future = Run(ShellPodBuilder.EphemeralScript.Replace("exec timeout -s KILL", "echo timeout -s KILL"), DateTimeOffset.UtcNow.AddSeconds(100));
        future.ShouldStartWith("timeout -s KILL ");
        int.Parse(future.Split(' ')[3]).ShouldBeInRange(90, 100);
    }

    private static string Run(string script, DateTimeOffset expires)
    {
        var info = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, ArgumentList = { "-c", script } };
        info.Environment[ShellPodBuilder.ExpiresVariable] = expires.ToUnixTimeSeconds().ToString();
        using var p = System.Diagnostics.Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }
}
