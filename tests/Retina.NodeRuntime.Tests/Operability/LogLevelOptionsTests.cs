using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Options;
using Retina.NodeRuntime.Agent;

namespace Retina.NodeRuntime.Tests.Operability;

/// <summary>The log level comes from Retina:NodeRuntime:LogLevel / Retina:Controller:LogLevel; a bad value names its key.</summary>
public sealed class LogLevelOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Theory]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("None", LogLevel.None)]
    public void The_node_runtime_reads_its_log_level_by_name(string value, LogLevel expected)
    {
        var options = Config(("Retina:NodeRuntime:LogLevel", value)).GetSection(NodeAgentOptions.Section).Get<NodeAgentOptions>()!;
        options.Validate().ShouldBeEmpty();
        options.MinimumLogLevel.ShouldBe(expected);
    }

    [Theory]
    [InlineData("verbose")]
    [InlineData("7")]
    [InlineData("2")]
    [InlineData("")]
    public void An_invalid_node_runtime_log_level_is_a_problem_naming_the_key(string value)
    {
        var options = Config(("Retina:NodeRuntime:LogLevel", value)).GetSection(NodeAgentOptions.Section).Get<NodeAgentOptions>() ?? new NodeAgentOptions { LogLevel = value };
        options.LogLevel ??= value;
        var problem = options.Validate().ShouldHaveSingleItem();
        problem.ShouldContain("Retina:NodeRuntime:LogLevel");
        problem.ShouldContain($"\"{value}\"");
        problem.ShouldContain("Information");
    }

    [Fact]
    public void Unset_the_node_runtime_leaves_the_level_to_the_standard_Logging_section()
    {
        new NodeAgentOptions().MinimumLogLevel.ShouldBeNull();
        Retina.Kube.Hosting.LogLevels.ValidateLoggingSection(Config(("Logging:LogLevel:Default", "Warning"), ("Logging:LogLevel:Retina.Kube", "debug"))).ShouldBeEmpty();
    }

    [Fact]
    public void An_invalid_standard_logging_level_is_a_problem_naming_its_key()
    {
        var problems = Retina.Kube.Hosting.LogLevels.ValidateLoggingSection(Config(("Logging:LogLevel:Default", "loud"), ("Logging:Console:LogLevel:Retina", "quiet"), ("Logging:LogLevel:Ok", "Error")));
        problems.Count.ShouldBe(2);
        problems.ShouldContain(p => p.StartsWith("Logging:LogLevel:Default: \"loud\"", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("Logging:Console:LogLevel:Retina: \"quiet\"", StringComparison.Ordinal));
    }

    [Fact]
    public void The_controllers_read_their_log_level_and_name_the_key_when_it_is_bad()
    {
        var good = RetinaControllerOptions.From(Config(("Retina:Controller:LogLevel", "Trace")));
        good.MinimumLogLevel.ShouldBe(LogLevel.Trace);
        good.Validate().ShouldBeEmpty();

        var bad = RetinaControllerOptions.From(Config(("Retina:Controller:LogLevel", "chatty")));
        bad.MinimumLogLevel.ShouldBeNull();
        bad.Validate().ShouldHaveSingleItem().ShouldContain("Retina:Controller:LogLevel: \"chatty\" is not a log level");
        Retina.Kube.Hosting.LogLevels.ValidateLoggingSection(Config(("Logging:LogLevel:Microsoft.AspNetCore", "nope"))).ShouldHaveSingleItem()
            .ShouldContain("Logging:LogLevel:Microsoft.AspNetCore");
    }
}
