using Retina.Api.ShellSession;
using Retina.Controllers.ShellSession;

namespace Retina.Controllers.Tests.ShellSession;

/// <summary>Which Pod Security level each profile needs, per target: privileged only where the profile needs it.</summary>
public sealed class ShellPodSecurityTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("restricted", "restricted")]
    [InlineData("baseline", "baseline")]
    [InlineData("general", "privileged")] // SYS_PTRACE is outside baseline's capability list
    [InlineData("netadmin", "privileged")] // NET_ADMIN, NET_RAW likewise
    [InlineData("sysadmin", "privileged")]
    [InlineData("bpf", "privileged")] // BPF, PERFMON, and seccomp/AppArmor Unconfined
    public void A_pod_shell_needs_the_level_its_profile_needs(string profile, string level) =>
        PodSecurityLevels.Of(ShellPodBuilder.EphemeralContainer(ShellPodBuilderTests.PodSession(profile), ShellPolicy.Default, Now.AddMinutes(5))).ShouldBe(level);

    [Theory]
    [InlineData("restricted")]
    [InlineData("baseline")]
    [InlineData("netadmin")]
    [InlineData("bpf")]
    public void A_node_shell_is_privileged_whatever_its_profile_because_it_shares_the_host_network(string profile)
    {
        var pod = ShellPodBuilder.NodePod(ShellPodBuilderTests.NodeSession(profile), ShellPolicy.Default, "retina-system", Now.AddMinutes(5), Now);
        PodSecurityLevels.Of(pod).ShouldBe("privileged");
        pod.Spec.HostNetwork = false;
        PodSecurityLevels.Of(pod).ShouldBe(profile switch { "restricted" => "restricted", "baseline" => "baseline", _ => "privileged" },
            "without the host network, the level is the profile's own");
    }

    [Fact]
    public void A_pod_shell_asked_to_run_confined_drops_to_the_level_of_its_capabilities()
    {
        var s = ShellPodBuilderTests.PodSession("baseline");
        s.Spec.SeccompUnconfined = true;
        PodSecurityLevels.Of(ShellPodBuilder.EphemeralContainer(s, ShellPolicy.Default, Now.AddMinutes(5))).ShouldBe("privileged");
        s.Spec.SeccompUnconfined = false;
        PodSecurityLevels.Of(ShellPodBuilder.EphemeralContainer(s, ShellPolicy.Default, Now.AddMinutes(5))).ShouldBe("baseline");
    }
}
