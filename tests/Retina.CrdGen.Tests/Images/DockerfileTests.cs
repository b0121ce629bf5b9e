using System.Text.RegularExpressions;
using Retina.CrdGen.Tests.Tooling;
using Retina.Testing.Netns;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.Images;

/// <summary>A lint of the images' Dockerfiles (no Docker here): pinned bases, the user each runs as, the version stamp.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Dockerfiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Combine("src"), "Dockerfile", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        var shell = RepoPaths.Combine("images", "shell", "Dockerfile");
        if (File.Exists(shell))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, shell));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Every_base_image_is_pinned_to_an_exact_version_or_a_digest(string file)
    {
        var dockerfile = Dockerfile.Read(RepoPaths.Combine(file.Split('/')));
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        dockerfile.Stages.ShouldNotBeEmpty();
        foreach (var (image, stage) in dockerfile.Stages)
        {
            if (!stages.Contains(image))
            {
                Pinned(image).ShouldBeTrue($"{file}: FROM {image} is not pinned (exact version tag such as sdk:10.0.401-noble or debian:12.11-slim, or @sha256:<digest>)");
            }

            if (stage is not null)
            {
                stages.Add(stage);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_final_stage_names_its_user_and_only_the_node_runtime_runs_as_root_with_the_reason(string file)
    {
        var dockerfile = Dockerfile.Read(RepoPaths.Combine(file.Split('/')));
        var user = dockerfile.FinalStage.LastOrDefault(i => i.Keyword == "USER");

        user.Keyword.ShouldBe("USER", $"{file}: the final stage sets no USER");
        var root = user.Arguments is "0" or "root" || user.Arguments.StartsWith("0:", StringComparison.Ordinal) || user.Arguments.StartsWith("root:", StringComparison.Ordinal);
        if (file.Contains("Retina.NodeRuntime", StringComparison.Ordinal))
        {
            root.ShouldBeTrue($"{file}: eBPF and AF_PACKET need UID 0 with the DaemonSet's capabilities");
            user.Comment.ShouldContain("capabilities", customMessage: $"{file}: say why root");
        }
        else
        {
            root.ShouldBeFalse($"{file}: runs as root");
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Our_binaries_are_stamped_with_the_version_make_images_passes(string file)
    {
        if (!file.StartsWith("src/", StringComparison.Ordinal))
        {
            return;
        }

        var dockerfile = Dockerfile.Read(RepoPaths.Combine(file.Split('/')));
        var publish = dockerfile.Instructions.Single(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));

        publish.Arguments.ShouldContain("-p:Version=\"${VERSION}\"");
        publish.Arguments.ShouldContain("-p:SourceRevisionId=\"${REVISION}\"");
        dockerfile.FinalStage.ShouldContain(i => i.Keyword == "LABEL" && i.Arguments.Contains("org.opencontainers.image.version=\"${VERSION}\"", StringComparison.Ordinal));
        dockerfile.Instructions.Count(i => i.Keyword == "ARG" && i.Arguments.StartsWith("VERSION=", StringComparison.Ordinal)).ShouldBe(2, "declared in the build and the final stage");
        File.ReadAllText(RepoPaths.Combine(file.Split('/')) + ".dockerignore").ShouldContain(".git/");
    }

    [Fact]
    public async Task Make_images_builds_every_dockerfile_with_the_version_and_the_shell_image_when_it_exists()
    {
        var result = await Shell.RunAsync("make", ["-C", RepoPaths.Root, "--no-print-directory", "-n", "images", "VERSION=1.2.3-rc.1", "REVISION=abc123", "IMAGE_TAG=t"]);

        result.ExitCode.ShouldBe(0, result.StdErr);
        foreach (var file in Directory.GetFiles(RepoPaths.Combine("src"), "Dockerfile", SearchOption.AllDirectories))
        {
            var project = Path.GetFileName(Path.GetDirectoryName(file)!);
            var image = "retina-" + Kebab().Replace(project["Retina.".Length..], "$1-$2").ToLowerInvariant();
            result.StdOut.ShouldContain($"docker build -f src/{project}/Dockerfile --build-arg VERSION=1.2.3-rc.1 --build-arg REVISION=abc123 -t {image}:t .");
        }

        result.StdOut.ShouldContain("test -f images/shell/Dockerfile");
    }

    [Fact]
    public async Task Make_images_refuses_a_version_that_is_not_semver_before_anything_runs()
    {
        var result = await Shell.RunAsync("make", ["-C", RepoPaths.Root, "--no-print-directory", "images", "VERSION=latest"]);

        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("VERSION=latest is not a SemVer 2 version");
    }

    [Fact]
    public async Task Make_images_without_a_docker_daemon_fails_with_the_reason()
    {
        var stubs = Directory.CreateTempSubdirectory("retina-images-stubs-");
        try
        {
            var docker = Path.Combine(stubs.FullName, "docker");
            await File.WriteAllTextAsync(docker, "#!/bin/sh\n[ \"$1\" = info ] && exit 1\necho \"unexpected: docker $*\" >&2\nexit 3\n");
            File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var result = await Shell.RunAsync("env", [$"PATH={stubs.FullName}:{Environment.GetEnvironmentVariable("PATH")}", "make", "-C", RepoPaths.Root, "--no-print-directory", "images", "VERSION=1.0.0"]);

            result.ExitCode.ShouldNotBe(0);
            result.StdErr.ShouldContain("the Docker daemon is not reachable");
            result.StdErr.ShouldNotContain("unexpected: docker");
        }
        finally
        {
            stubs.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_pin_check_accepts_exact_versions_and_digests_and_refuses_moving_tags()
    {
        Pinned("mcr.microsoft.com/dotnet/sdk:10.0.401-noble").ShouldBeTrue();
        Pinned("debian:12.11-slim").ShouldBeTrue();
        Pinned("busybox@sha256:" + new string('a', 64)).ShouldBeTrue();
        Pinned("mcr.microsoft.com/dotnet/aspnet:10.0-noble").ShouldBeFalse();
        Pinned("debian:bookworm-slim").ShouldBeFalse();
        Pinned("debian").ShouldBeFalse();
        Pinned("alpine:latest").ShouldBeFalse();
        Pinned("ubuntu:24.04").ShouldBeFalse();
    }

    /// <summary>
    /// Exact: a digest; a .NET image with a full x.y.z version; a Debian point release (12.11). Anything else must
    /// carry a digest: other tags (24.04, bookworm, latest) move.
    /// </summary>
    private static bool Pinned(string image)
    {
        if (Digest().IsMatch(image))
        {
            return true;
        }

        var colon = image.LastIndexOf(':');
        if (colon < 0 || image.IndexOf('/', colon) >= 0)
        {
            return false;
        }

        var (name, tag) = (image[..colon], image[(colon + 1)..]);
        return name.StartsWith("mcr.microsoft.com/dotnet/", StringComparison.Ordinal) ? DotnetExact().IsMatch(tag)
            : name == "debian" && DebianPointRelease().IsMatch(tag);
    }

    [GeneratedRegex(@"@sha256:[0-9a-f]{64}$")]
    private static partial Regex Digest();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[a-z0-9.]+)?$")]
    private static partial Regex DotnetExact();

    [GeneratedRegex(@"^\d+\.\d+(-slim)?$")]
    private static partial Regex DebianPointRelease();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex Kebab();
}
