using Microsoft.Extensions.Logging.Abstractions;
using Retina.Local.Commands;
using Retina.Local.Hosting;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.Local.Tests.Hosting;

/// <summary>A hostile file in the watched directory fails alone: local mode keeps running and `retina get` names it.</summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("retina-hostile-").FullName;

    private string Source => Path.Combine(root, "resources");

    private string State => Path.Combine(root, "state");

    private const string Valid = """
        apiVersion: retina.sh/v1alpha1
        kind: MetricsConfiguration
        metadata: {name: NAME}
        spec:
          contextOptions:
            - metricName: forward_count
              sourceLabels: [ip]
          namespaces: {include: [default]}
        """;

    [Fact]
    public async Task A_self_referencing_alias_file_is_listed_with_its_error_while_the_other_files_keep_working()
    {
        Directory.CreateDirectory(Source);
        await File.WriteAllTextAsync(Path.Combine(Source, "good.yaml"), Valid.Replace("NAME", "good", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(Source, "cycle.yaml"), "apiVersion: retina.sh/v1alpha1\nkind: MetricsConfiguration\nmetadata: {name: cycle}\nspec: &a [*a]\n");
        await File.WriteAllTextAsync(Path.Combine(Source, "deep.yaml"), "a: " + new string('[', 50_000) + new string(']', 50_000) + "\n");
        await File.WriteAllBytesAsync(Path.Combine(Source, "binary.yaml"), [0x7f, 0x45, 0x4c, 0x46, 0x00, 0xff, 0xfe]);
        using var stop = new CancellationTokenSource();
        var host = new LocalHost(new LocalOptions { SourceDirectory = Source, StateDirectory = State, CaptureDirectory = Path.Combine(root, "captures"), NodeName = "laptop" }, NullLoggerFactory.Instance);
        var run = host.RunAsync(stop.Token);

        var goodState = Path.Combine(State, "metricsconfigurations", "_cluster", "good.yaml");
        await Until.TrueAsync(() => File.Exists(goodState) && File.ReadAllText(goodState).Contains("state: Accepted"), "the good file is Accepted beside the hostile ones");

        // A file added later is still followed: the hostile ones did not stop the watcher.
        await File.WriteAllTextAsync(Path.Combine(Source, "later.yaml"), Valid.Replace("NAME", "later", StringComparison.Ordinal));
        var laterState = Path.Combine(State, "metricsconfigurations", "_cluster", "later.yaml");
        await Until.TrueAsync(() => File.Exists(laterState) && File.ReadAllText(laterState).Contains("state: Accepted"), "a file added afterwards is Accepted");

        // A state file made hostile is ignored, not fatal.
        await File.WriteAllTextAsync(Path.Combine(State, "metricsconfigurations", "_cluster", "cycle.yaml"), "status: &s [*s]\n");

        var get = await Retina.Testing.Netns.Shell.RunAsync("dotnet", [typeof(GetCommand).Assembly.Location, "--dir", Source, "--state", State, "get", "metricsconfigurations"]);
        get.ExitCode.ShouldBe(0, get.StdErr);
        get.StdOut.ShouldContain("good");
        get.StdOut.ShouldContain("later");
        get.StdOut.ShouldContain("cycle.yaml: unreadable: ");
        get.StdOut.ShouldContain("alias *a");
        get.StdOut.ShouldContain("deep.yaml: unreadable: ");
        get.StdOut.ShouldContain("nested deeper than 256");
        get.StdOut.ShouldContain("binary.yaml: unreadable: ");
        get.StdOut.ShouldContain("binary content");

        await stop.CancelAsync();
        (await run).ShouldBe(0);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
