using Microsoft.Extensions.Configuration;
using Retina.Controllers.Options;

namespace Retina.Controllers.Tests.Options;

public sealed class RetinaControllerOptionsTests
{
    private static RetinaControllerOptions Bind(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        return RetinaControllerOptions.From(config);
    }

    [Fact]
    public void A_configured_list_replaces_the_default_instead_of_adding_to_it()
    {
        var options = Bind("""{"Retina":{"Controller":{"Plugins":["dns"],"AllowedOutputs":["hostPath"]}}}""");
        options.Plugins.ShouldBe(["dns"]);
        options.AllowedOutputs.ShouldBe(["hostPath"]);
    }

    [Fact]
    public void Without_configuration_the_defaults_apply()
    {
        var options = Bind("{}");
        options.Plugins.ShouldBe(["packetforward", "dropreason", "dns", "tcpretrans", "linuxutil"]);
        options.AllowedOutputs.Count.ShouldBe(4);
        options.Validate().ShouldBeEmpty();
    }

    [Fact]
    public void Every_problem_is_reported_at_start_up()
    {
        var options = Bind("""{"Retina":{"Controller":{"Plugins":["dns","bogus"],"ShellMaxTtl":"soon","CaptureHostPathBase":"relative"}}}""");
        options.Validate().Count.ShouldBe(3);
    }
}
