using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.Controllers.Tests.Alerts;

/// <summary>The README's alert loop configuration, checked by Prometheus's and Alertmanager's own tools.</summary>
public sealed class AlertingSamplesTests
{
    private static string Sample(string file) => RepoPaths.Combine("config", "samples", "alerting", file);

    [Fact]
    public async Task The_sample_rules_and_prometheus_config_pass_promtool()
    {
        var rules = await Shell.RunAsync("promtool", ["check", "rules", Sample("rules.yml")]);
        rules.ExitCode.ShouldBe(0, rules.StdOut + rules.StdErr);
        var config = await Shell.RunAsync("promtool", ["check", "config", "--syntax-only", Sample("prometheus.yml")]);
        config.ExitCode.ShouldBe(0, config.StdOut + config.StdErr);
    }

    [Fact]
    public async Task The_sample_alertmanager_config_passes_amtool_and_posts_to_the_local_receiver_with_the_token_file()
    {
        var check = await Shell.RunAsync("amtool", ["check-config", Sample("alertmanager.yml")]);
        check.ExitCode.ShouldBe(0, check.StdOut + check.StdErr);
        var text = await File.ReadAllTextAsync(Sample("alertmanager.yml"));
        text.ShouldContain("http://127.0.0.1:10094/api/v1/alerts/webhook");
        var tokenFile = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Sample("alertmanager.yml"))!, "../../../.retina/alert-webhook-token"));
        tokenFile.ShouldBe(Path.GetFullPath(RepoPaths.Combine(".retina", "alert-webhook-token")), "credentials_file resolves relative to the config file");
        text.ShouldContain("credentials_file: ../../../.retina/alert-webhook-token");
    }
}
