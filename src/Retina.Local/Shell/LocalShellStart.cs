namespace Retina.Local.Shell;

/// <summary>How one local shell starts: which session, its privileges, where its socket is, when it ends.</summary>
public sealed record LocalShellStart(
    string Namespace,
    string Name,
    IReadOnlyList<string> Capabilities,
    string HostFilesystem,
    string HostPath,
    string SocketPath,
    DateTime ExpiresAt,
    TimeSpan? IdleTimeout);
