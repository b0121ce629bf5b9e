namespace Retina.Controllers.Authorization;

/// <summary>
/// The virtual resources of group <c>retina.sh</c> that gate node-wide work, and the shipped ClusterRoles that hold them
/// (<c>kustomize/base/rbac/user-roles.yaml</c>). Nothing is stored under these resources: they exist only to be granted
/// by RBAC and asked for by SubjectAccessReview.
/// </summary>
public static class RetinaGrants
{
    public const string Group = "retina.sh";

    /// <summary>ClusterRole with <c>create nodes/capture</c> and <c>create nodes/trace</c> (bind it with a ClusterRoleBinding).</summary>
    public const string NodeCaptureRole = "retina-node-capture";

    /// <summary>ClusterRole with <c>create nodes/shell</c>.</summary>
    public const string NodeShellRole = "retina-node-shell";

    /// <summary>ClusterRole with create on captures and tracesessions: bind it in a namespace to let a team capture there, cluster-wide for any namespace.</summary>
    public const string CaptureRole = "retina-capture";

    /// <summary>ClusterRole with what <c>kubectl debug -it</c> needs on pods: bind it where pod shells are allowed.</summary>
    public const string PodShellRole = "retina-pod-shell";

    /// <summary>Capturing whole nodes (host interfaces, node network metadata).</summary>
    public static AccessGrant NodeCapture { get; } = new("create", Group, "nodes", "capture");

    /// <summary>Tracing whole nodes.</summary>
    public static AccessGrant NodeTrace { get; } = new("create", Group, "nodes", "trace");

    /// <summary>A shell on one node; the SAR names the node, so a role may list <c>resourceNames</c>.</summary>
    public static AccessGrant NodeShell(string node) => new("create", Group, "nodes", "shell", Name: node);

    /// <summary><c>create captures</c> (or tracesessions) in a namespace, or at cluster scope for null.</summary>
    public static AccessGrant Create(string plural, string? ns) => new("create", Group, plural, Namespace: ns);
}
