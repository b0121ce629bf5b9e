using Retina.Api.Capture;
using Retina.Api.CapturePolicy;
using Retina.Api.Common;

namespace Retina.Api.Tests.CapturePolicy;

public sealed class CapturePolicyValidatorTests
{
    private static Api.CapturePolicy.CapturePolicy Policy()
    {
        var p = new Api.CapturePolicy.CapturePolicy();
        p.Spec.CaptureTemplate.OutputConfiguration.HostPath = "alerts";
        p.Spec.Triggers = [new CaptureTrigger { Name = "drops", Alert = new AlertTrigger { AlertName = "HighDropRate" } }];
        p.Spec.TargetFromAlertLabels = new AlertLabelMapping { Namespace = "namespace", Pod = "pod" };
        return p;
    }

    [Fact]
    public void A_template_may_leave_its_target_to_the_alert_labels() => new CapturePolicyValidator().Validate(Policy()).IsValid.ShouldBeTrue();

    [Fact]
    public void Without_alert_label_mapping_the_template_needs_a_target()
    {
        var p = Policy();
        p.Spec.TargetFromAlertLabels = null;
        new CapturePolicyValidator().Validate(p).Errors.Single().Path.ShouldBe("spec.captureTemplate.captureConfiguration.captureTarget");
    }

    [Fact]
    public void A_rate_limit_the_cooldown_makes_unreachable_is_rejected()
    {
        var p = Policy();
        p.Spec.Cooldown = "30m";
        p.Spec.MaxPerHour = 5;
        new CapturePolicyValidator().Validate(p).Errors.Single().ToString()
            .ShouldBe("spec.maxPerHour: 5 cannot be reached with cooldown 30m (at most 2 per hour)");
    }

    [Theory]
    [InlineData("5s")]
    [InlineData("25h")]
    public void Cooldowns_outside_10s_to_24h_are_rejected(string cooldown)
    {
        var p = Policy();
        p.Spec.Cooldown = cooldown;
        new CapturePolicyValidator().Validate(p).Errors.Single().Path.ShouldBe("spec.cooldown");
    }

    [Fact]
    public void A_matcher_regex_that_does_not_compile_is_rejected()
    {
        var p = Policy();
        p.Spec.Triggers[0].Alert!.Matchers = [new LabelMatcher { Name = "severity", Operator = "=~", Value = "(critical" }];
        new CapturePolicyValidator().Validate(p).Errors.Single().Path.ShouldBe("spec.triggers[0].alert.matchers[0].value");
    }
}
