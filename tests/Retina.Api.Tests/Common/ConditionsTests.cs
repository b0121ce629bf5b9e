using Retina.Api.Common;

namespace Retina.Api.Tests.Common;

public sealed class ConditionsTests
{
    [Fact]
    public void The_transition_time_moves_only_when_the_status_changes()
    {
        var list = new List<Condition>();
        var t0 = new DateTime(2026, 11, 25, 1, 0, 0, DateTimeKind.Utc);
        Conditions.Set(list, "Ready", ConditionStatus.False, "Waiting", "a", 1, t0).ShouldBeTrue();
        Conditions.Set(list, "Ready", ConditionStatus.False, "StillWaiting", "b", 2, t0.AddMinutes(1)).ShouldBeTrue();
        list.Single().LastTransitionTime.ShouldBe(t0);
        Conditions.Set(list, "Ready", ConditionStatus.True, "Done", "c", 2, t0.AddMinutes(2)).ShouldBeTrue();
        list.Single().LastTransitionTime.ShouldBe(t0.AddMinutes(2));
        Conditions.Set(list, "Ready", ConditionStatus.True, "Done", "c", 2, t0.AddMinutes(3)).ShouldBeFalse();
    }
}
