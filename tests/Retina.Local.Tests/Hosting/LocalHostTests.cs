using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Store;
using Retina.Local.Hosting;
using Retina.Testing.Waiting;

namespace Retina.Local.Tests.Hosting;

public sealed class LocalHostTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("retina-local-").FullName;

    private string Source => Path.Combine(root, "resources");

    private string State => Path.Combine(root, "state");

    private string StateFile(string plural, string ns, string name) => Path.Combine(State, plural, ns, name + ".yaml");

    private const string Valid = """
        apiVersion: retina.sh/v1alpha1
        kind: MetricsConfiguration
        metadata: {name: local}
        spec:
          contextOptions:
            - metricName: forward_count
              sourceLabels: [ip, podname]
          namespaces: {include: [default]}
        """;

    [Fact]
    public async Task Local_mode_writes_status_for_each_file_and_follows_edits_to_it()
    {
        Directory.CreateDirectory(Source);
        await File.WriteAllTextAsync(Path.Combine(Source, "mc.yaml"), Valid);
        using var stop = new CancellationTokenSource();
        var host = new LocalHost(new LocalOptions { SourceDirectory = Source, StateDirectory = State, CaptureDirectory = Path.Combine(root, "captures"), NodeName = "laptop" }, NullLoggerFactory.Instance);
        var run = host.RunAsync(stop.Token);

        var state = StateFile("metricsconfigurations", "_cluster", "local");
        await Until.TrueAsync(() => File.Exists(state) && File.ReadAllText(state).Contains("state: Accepted"), "the configuration is Accepted in its state file");
        await Until.TrueAsync(() => File.Exists(StateFile("noderuntimes", "_cluster", "laptop")), "this host's NodeRuntime is recorded");

        await File.WriteAllTextAsync(Path.Combine(Source, "mc.yaml"), Valid.Replace("[ip, podname]", "[ip, pod]", StringComparison.Ordinal));
        // Retina ignores a token it does not know; so do we, and the state file says which one.
        await Until.TrueAsync(() => File.ReadAllText(state).Contains("state: Warning"), "the edited configuration is in state Warning");
        var yaml = YamlJson.ParseAll(await File.ReadAllTextAsync(state)).Single();
        yaml["status"]!["reason"]!.GetValue<string>().ShouldContain("spec.contextOptions[0].sourceLabels[1]: unknown label \"pod\" ignored");

        await stop.CancelAsync();
        (await run).ShouldBe(0);
    }

    [Fact]
    public async Task A_pvc_output_is_refused_in_local_mode_where_no_copy_job_can_run()
    {
        Directory.CreateDirectory(Source);
        await File.WriteAllTextAsync(Path.Combine(Source, "trace.yaml"), """
            apiVersion: retina.sh/v1alpha1
            kind: TraceSession
            metadata: {name: flows, namespace: local}
            spec:
              target: {podNames: [web]}
              events: [drop]
              duration: 1m
              outputConfiguration: {persistentVolumeClaim: flows}
            """);
        using var stop = new CancellationTokenSource();
        var host = new LocalHost(new LocalOptions { SourceDirectory = Source, StateDirectory = State, CaptureDirectory = Path.Combine(root, "captures"), NodeName = "laptop" }, NullLoggerFactory.Instance);
        var run = host.RunAsync(stop.Token);

        var state = StateFile("tracesessions", "local", "flows");
        await Until.TrueAsync(() => File.Exists(state) && File.ReadAllText(state).Contains("phase: Failed"), "the trace fails");
        var yaml = YamlJson.ParseAll(await File.ReadAllTextAsync(state)).Single();
        var accepted = yaml["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Accepted")!;
        accepted["reason"]!.GetValue<string>().ShouldBe("InvalidSpec");
        accepted["message"]!.GetValue<string>().ShouldContain("spec.outputConfiguration.persistentVolumeClaim: this cluster allows only hostPath, blobUpload, s3Upload outputs");

        await stop.CancelAsync();
        (await run).ShouldBe(0);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
