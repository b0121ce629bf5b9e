using Retina.Api.ShellSession;

namespace Retina.Api.Tests.ShellSession;

public sealed class ShellSessionValidatorTests
{
    private static Api.ShellSession.ShellSession Shell(string ttl)
    {
        var s = new Api.ShellSession.ShellSession();
        s.Spec.Target.NodeName = "node-1";
        s.Spec.Ttl = ttl;
        return s;
    }

    [Fact]
    public void A_ttl_above_the_admins_cap_is_rejected_naming_the_cap()
    {
        var report = new ShellSessionValidator(TimeSpan.FromHours(1)).Validate(Shell("90m"));
        report.Errors.Single().ToString().ShouldBe("spec.ttl: \"90m\" is longer than the cap of 1h set by the cluster admin");
    }

    [Fact]
    public void A_ttl_within_the_cap_is_accepted() => new ShellSessionValidator(TimeSpan.FromHours(1)).Validate(Shell("45m")).IsValid.ShouldBeTrue();

    [Fact]
    public void Host_options_are_rejected_for_pod_shells()
    {
        var s = Shell("10m");
        s.Spec.Target = new ShellTarget { Pod = new ShellPodTarget { Name = "web-0" } };
        s.Spec.HostPid = true;
        s.Spec.AllowHostFilesystemWrite = true;
        new ShellSessionValidator().Validate(s).Errors.Select(e => e.Path).ShouldBe(["spec.allowHostFilesystemWrite", "spec.hostPID"], ignoreOrder: true);
    }
}

public sealed class ShellSessionPolicyTests
{
    private static Api.ShellSession.ShellSession Shell(Action<ShellSessionSpec> change)
    {
        var s = new Api.ShellSession.ShellSession();
        s.Spec.Target.NodeName = "node-1";
        s.Spec.Ttl = "10m";
        change(s.Spec);
        return s;
    }

    private static string[] Paths(ShellPolicy policy, Action<ShellSessionSpec> change) =>
        [.. new ShellSessionValidator(policy).Validate(Shell(change)).Errors.Select(e => e.Path)];

    [Fact]
    public void A_profile_the_admin_did_not_allow_is_rejected_naming_the_allowed_ones()
    {
        var report = new ShellSessionValidator(ShellPolicy.Default with { AllowedProfiles = ["restricted", "netadmin"] }).Validate(Shell(s => s.Profile = "sysadmin"));
        report.Errors.Single().ToString().ShouldBe("spec.profile: \"sysadmin\" is not allowed by the cluster admin (allowed: restricted, netadmin)");
    }

    [Fact]
    public void The_default_profile_is_judged_too() =>
        Paths(ShellPolicy.Default with { AllowedProfiles = ["netadmin"] }, _ => { }).ShouldBe(["spec.profile"]);

    [Fact]
    public void Extra_capabilities_outside_the_allow_list_are_rejected_but_a_profiles_own_are_not()
    {
        var policy = ShellPolicy.Default with { AllowedCapabilities = ["NET_RAW"] };
        Paths(policy, s => s.Capabilities = ["SYS_ADMIN"]).ShouldBe(["spec.capabilities"]);
        Paths(policy, s => { s.Profile = "netadmin"; s.Capabilities = ["NET_ADMIN", "NET_RAW"]; }).ShouldBeEmpty();
    }

    [Fact]
    public void Images_are_the_default_or_the_admins_list_with_trailing_wildcards()
    {
        var policy = ShellPolicy.Default with { AllowedImages = ["registry.corp/tools/*", "nicolaka/netshoot:v0.13"] };
        Paths(policy, s => s.Image = "registry.corp/tools/shell:1").ShouldBeEmpty();
        Paths(policy, s => s.Image = "nicolaka/netshoot:v0.13").ShouldBeEmpty();
        Paths(policy, s => s.Image = policy.DefaultImage).ShouldBeEmpty();
        Paths(policy, s => s.Image = "docker.io/evil:latest").ShouldBe(["spec.image"]);
    }

    [Fact]
    public void Unconfined_seccomp_and_apparmor_follow_the_profile_and_the_admin_may_refuse_them()
    {
        var strict = ShellPolicy.Default with { AllowSeccompUnconfined = false, AllowAppArmorUnconfined = false };
        Paths(strict, s => s.Profile = "bpf").ShouldBe(["spec.seccompUnconfined", "spec.apparmorUnconfined"]);
        Paths(strict, s => { s.Profile = "bpf"; s.SeccompUnconfined = false; s.AppArmorUnconfined = false; }).ShouldBeEmpty();
        Paths(strict, s => s.SeccompUnconfined = true).ShouldBe(["spec.seccompUnconfined"]);
        Paths(ShellPolicy.Default, s => s.Profile = "bpf").ShouldBeEmpty();
    }

    [Fact]
    public void HostFilesystem_and_the_older_booleans_cannot_both_be_set()
    {
        Paths(ShellPolicy.Default, s => { s.HostFilesystem = "ReadOnly"; s.MountHostFilesystem = true; }).ShouldBe(["spec.mountHostFilesystem"]);
        Paths(ShellPolicy.Default, s => s.MountHostFilesystem = true).ShouldBeEmpty();
    }

    [Fact]
    public void A_pod_shell_cannot_mount_the_host_and_a_non_root_profile_cannot_use_capabilities()
    {
        Paths(ShellPolicy.Default, s => { s.Target = new ShellTarget { Pod = new ShellPodTarget { Name = "web" } }; s.HostFilesystem = "ReadOnly"; }).ShouldBe(["spec.hostFilesystem"]);
        Paths(ShellPolicy.Default, s => { s.Profile = "restricted"; s.Capabilities = ["NET_RAW"]; }).ShouldBe(["spec.capabilities"]);
    }

    [Fact]
    public void Unknown_profiles_and_host_filesystem_modes_are_schema_errors() =>
        Paths(ShellPolicy.Default, s => { s.Profile = "root"; s.HostFilesystem = "Yes"; }).ShouldContain("spec.hostFilesystem");

    [Fact]
    public void Every_profile_is_a_fixed_documented_set()
    {
        ShellProfiles.All.Select(p => p.Name).ShouldBe(["restricted", "baseline", "general", "netadmin", "sysadmin", "bpf"]);
        ShellProfiles.All.ShouldAllBe(p => p.Purpose.Length > 10);
        ShellProfiles.Find(null)!.Name.ShouldBe("baseline");
    }
}
