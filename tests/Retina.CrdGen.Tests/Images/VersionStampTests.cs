using System.Text.Json.Nodes;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.Images;

/// <summary>
/// The Dockerfiles publish with -p:Version=$VERSION -p:SourceRevisionId=$REVISION (DockerfileTests checks that):
/// MSBuild must turn those into the assembly's informational version, which the node runtime reports as
/// NodeRuntime.status.runtimeVersion and networkobservability_build_info{version} (RuntimeBuild.Version).
/// </summary>
public sealed class VersionStampTests
{
    public static TheoryData<string> Projects() => new("src/Retina.NodeRuntime/Retina.NodeRuntime.csproj", "src/Retina.Controllers/Retina.Controllers.csproj");

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task The_version_make_images_passes_becomes_the_informational_version_of_the_binary(string project)
    {
        var result = await Shell.RunAsync("dotnet",
            ["msbuild", RepoPaths.Combine(project.Split('/')), "-nologo", "-t:GetAssemblyAttributes", "-getItem:AssemblyAttribute", "-p:Version=1.2.3-rc.1", "-p:SourceRevisionId=abc123"],
            TimeSpan.FromMinutes(3));
        result.ExitCode.ShouldBe(0, result.StdOut + result.StdErr);

        var attributes = JsonNode.Parse(result.StdOut)!["Items"]!["AssemblyAttribute"]!.AsArray();
        var informational = attributes.Single(a => (string?)a!["Identity"] == "System.Reflection.AssemblyInformationalVersionAttribute")!;

        ((string?)informational["_Parameter1"]).ShouldBe("1.2.3-rc.1+abc123");
    }
}
