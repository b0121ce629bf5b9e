using System.Reflection;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Tests.Agent;
using Retina.NodeRuntime.Tests.Metrics;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.NodeRuntime.Tests.Operability;

/// <summary>The runtime's version in NodeRuntime.status and networkobservability_build_info on /metrics.</summary>
public sealed class VersionReportingTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string AssemblyVersion =>
        typeof(NodeRuntimeHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    private static string Kernel => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    [Fact]
    public async Task The_node_reports_its_runtime_version_in_status_and_build_info_in_metrics()
    {
        await using var node = await BareNode.StartApiAsync();
        var client = node.Client;
        var runtime = new NodeRuntimeObject();
        runtime.Metadata.Name = "node-v";
        await client.CreateAsync(runtime, None);
        var host = await node.StartHostAsync("node-v");

        var reported = await Until.ValueAsync(() => client.GetAsync<NodeRuntimeObject>("node-v", null, None),
            r => r?.Status?.RuntimeVersion is not null, "the node reports its runtime version");
        AssemblyVersion.ShouldNotBeNullOrWhiteSpace();
        reported!.Status!.RuntimeVersion.ShouldBe(AssemblyVersion);
        reported.Status.KernelVersion.ShouldBe(Kernel);

        using var http = new HttpClient { BaseAddress = host.MetricsAddress };
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        text.ShouldContain("# TYPE networkobservability_build_info gauge");
        text.ShouldContain($"networkobservability_build_info{{version=\"{AssemblyVersion}\",kernel_version=\"{Kernel}\"}} 1");
        if (File.Exists("/usr/bin/promtool"))
        {
            var (code, output) = await MetricsExporterTests.PromtoolAsync(text);
            code.ShouldBe(0, output);
        }
    }
}
