namespace Retina.Local.Shell;

/// <summary>Where local mode keeps each shell's attach socket: beside the state directory, readable by its owner only.</summary>
public static class LocalShellPaths
{
    /// <summary>The longest path a Unix socket address holds (sun_path less its terminating NUL).</summary>
    public const int MaxSocketPath = 107;

    public static string Directory(string stateDirectory) => Path.GetFullPath(Path.Combine(stateDirectory, "..", "shells"));

    public static string Socket(string stateDirectory, string ns, string name) => Path.Combine(Directory(stateDirectory), $"{ns}_{name}.sock");
}
