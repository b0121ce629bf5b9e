using System.Reflection;

namespace Retina.NodeRuntime.Metrics;

/// <summary>What this runtime is and runs on: its version (the assembly's informational version) and the node's kernel release.</summary>
public static class RuntimeBuild
{
    /// <summary>E.g. <c>1.0.0+5f3c2a1</c> (the build's version and commit, when the build sets them).</summary>
    public static string Version { get; } =
        typeof(RuntimeBuild).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RuntimeBuild).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>The kernel release (<c>/proc/sys/kernel/osrelease</c>), e.g. <c>6.8.0-1021-azure</c>.</summary>
    public static string KernelVersion { get; } = File.Exists("/proc/sys/kernel/osrelease")
        ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim()
        : Environment.OSVersion.VersionString;
}
