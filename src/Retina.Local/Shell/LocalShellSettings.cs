namespace Retina.Local.Shell;

/// <summary>Local shells' host-side settings.</summary>
public sealed record LocalShellSettings(string NodeName, string StateDirectory, string HostPath = "/host")
{
    /// <summary>The node name that means "this host" in local mode whatever its name, so a sample works on any machine.</summary>
    public const string ThisHost = "localhost";
}
