namespace Retina.Api.ShellSession;

/// <summary>Values of <c>status.phase</c>.</summary>
public static class ShellPhase
{
    public const string Pending = "Pending";
    public const string Running = "Running";

    /// <summary>The TTL (or the idle timeout) ended the shell.</summary>
    public const string Expired = "Expired";

    /// <summary>The shell exited by itself (e.g. <c>exit</c>).</summary>
    public const string Completed = "Completed";

    public const string Failed = "Failed";

    public static readonly string[] All = [Pending, Running, Expired, Completed, Failed];

    public static bool IsFinished(string? phase) => phase is Expired or Completed or Failed;
}
