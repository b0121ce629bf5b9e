namespace Retina.Api.Capture;

/// <summary>The phases of a Capture, and of each node's part of it.</summary>
public static class CapturePhase
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Uploading = "Uploading";
    public const string Completed = "Completed";
    public const string Failed = "Failed";

    public static readonly string[] All = [Pending, Running, Uploading, Completed, Failed];

    public static bool IsFinished(string? phase) => phase is Completed or Failed;

    /// <summary>
    /// The phase of work spread over nodes: Pending with no node yet; once every node finished, Failed if one failed, else
    /// Completed; before that Running if one runs, else Uploading if one uploads, else Pending.
    /// </summary>
    public static string OfNodes(IReadOnlyCollection<string?> phases)
    {
        if (phases.Count == 0)
        {
            return Pending;
        }

        if (phases.All(IsFinished))
        {
            return phases.Contains(Failed) ? Failed : Completed;
        }

        return phases.Contains(Running) ? Running : phases.Contains(Uploading) ? Uploading : Pending;
    }
}
