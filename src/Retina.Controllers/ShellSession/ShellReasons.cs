namespace Retina.Controllers.ShellSession;

/// <summary>Condition reasons and event reasons of ShellSessions, in one place.</summary>
public static class ShellReasons
{
    public const string InvalidSpec = "InvalidSpec";
    public const string Created = "Created";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string TtlExpired = "TtlExpired";
    public const string Exited = "Exited";
    public const string ShellFailed = "ShellFailed";
    public const string PodGone = "PodGone";
    public const string TargetPodNotFound = "TargetPodNotFound";
    public const string TargetPodReplaced = "TargetPodReplaced";
    public const string EphemeralContainersUnsupported = "EphemeralContainersUnsupported";
    public const string CleanedUp = "CleanedUp";
}
