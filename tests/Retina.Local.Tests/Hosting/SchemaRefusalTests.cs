using Retina.Local.Commands;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.Local.Tests.Hosting;

/// <summary>
/// Local mode checks each file against the CRDs as an API server with them installed would: a file the schema refuses
/// is not applied and `retina get` names it with kubectl's message; never silently dropped (issue 11, item 4).
/// </summary>
public sealed class SchemaRefusalTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("retina-schema-").FullName;

    private string Source => Path.Combine(root, "resources");

    private string State => Path.Combine(root, "state");

    [Fact]
    public async Task A_file_the_schema_refuses_is_listed_with_the_causes_kubectl_would_print_and_the_good_ones_are_listed()
    {
        Directory.CreateDirectory(Source);
        var good = await File.ReadAllTextAsync(RepoPaths.Combine("config", "samples", "local", "capture-host.yaml"));
        await File.WriteAllTextAsync(Path.Combine(Source, "good.yaml"), good);
        await File.WriteAllTextAsync(Path.Combine(Source, "bad.yaml"), """
            apiVersion: retina.sh/v1alpha1
            kind: Capture
            metadata: {name: bad, namespace: default}
            spec:
              captureConfiguration:
                captureTarget: {nodeSelector: {}}
                captureOption: {duration: "10x", maxCaptureSize: 0}
              outputConfiguration: {hostPath: out}
            """);

        var get = await Retina.Testing.Netns.Shell.RunAsync("dotnet", [typeof(GetCommand).Assembly.Location, "--dir", Source, "--state", State, "get", "captures"]);

        get.ExitCode.ShouldBe(0, get.StdErr);
        get.StdOut.ShouldNotContain("\nbad ");
        get.StdOut.ShouldContain("bad.yaml: refused: The Capture \"bad\" is invalid: \n* spec.captureConfiguration.captureOption.duration: Invalid value: \"10x\"");
        get.StdOut.ShouldContain("\n* spec.captureConfiguration.captureOption.maxCaptureSize: Invalid value: 0");
        var name = good.Split('\n').First(l => l.TrimStart().StartsWith("name:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        get.StdOut.ShouldContain(name);

        // The state directory says the same, for scripts: file and reason, in kubectl's words.
        var notApplied = await File.ReadAllTextAsync(Path.Combine(State, "not-applied.yaml"));
        notApplied.ShouldContain("bad.yaml");
        notApplied.ShouldContain("spec.captureConfiguration.captureOption.duration: Invalid value");
        notApplied.ShouldNotContain("good.yaml");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
