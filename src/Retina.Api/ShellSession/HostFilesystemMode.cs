namespace Retina.Api.ShellSession;

/// <summary>Values of <c>spec.hostFilesystem</c>: whether the node's root filesystem is at /host, and writable.</summary>
public static class HostFilesystemMode
{
    public const string None = "None";
    public const string ReadOnly = "ReadOnly";
    public const string ReadWrite = "ReadWrite";

    /// <summary>
    /// What a spec asks for: <c>hostFilesystem</c>, else the older <c>mountHostFilesystem</c> and
    /// <c>allowHostFilesystemWrite</c> booleans (still accepted), else None.
    /// </summary>
    public static string Effective(ShellSessionSpec spec) => spec.HostFilesystem
        ?? (spec.MountHostFilesystem == true ? spec.AllowHostFilesystemWrite == true ? ReadWrite : ReadOnly : None);
}
