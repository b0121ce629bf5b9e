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
