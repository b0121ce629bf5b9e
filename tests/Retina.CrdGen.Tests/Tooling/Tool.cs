namespace Retina.CrdGen.Tests.Tooling;

/// <summary>Finds a command-line tool on PATH (promtool, shellcheck, kubectl, bash).</summary>
public static class Tool
{
    public static bool IsInstalled(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, name)));
}
