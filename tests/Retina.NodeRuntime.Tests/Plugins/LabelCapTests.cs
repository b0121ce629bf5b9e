using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Tests.Plugins;

public sealed class LabelCapTests
{
    [Fact]
    public void Values_beyond_the_cap_become_other_and_known_values_stay()
    {
        var cap = new LabelCap(2);
        cap.Apply("a.").ShouldBe("a.");
        cap.Apply("b.").ShouldBe("b.");
        cap.Apply("c.").ShouldBe("other");
        cap.Apply("a.").ShouldBe("a.");
    }
}
