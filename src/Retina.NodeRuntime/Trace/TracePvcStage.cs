using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// A trace's files on their way to its PersistentVolumeClaim. The node cannot mount a claim, so it keeps every closed
/// file and reports the ones not yet copied (<see cref="Pending"/>, oldest first); the controllers copy them with a Job
/// on this node and write back the newest file copied (<c>copiedThrough</c>). Staged files (no hostPath) are deleted
/// once copied and delivered to every other output (<see cref="Sweep"/>). Files are ordered by their names
/// (<see cref="TraceFileNames"/>).
/// </summary>
internal sealed class TracePvcStage(string claim, bool keepLocal)
{
    private volatile string? copiedThrough;
    private volatile string? copyError;

    public string Claim => claim;

    /// <summary>Why the controllers stopped copying (a copy Job failed for good), or null.</summary>
    public string? CopyError => copyError;

    public void Update(NodeTraceAssignment a)
    {
        copiedThrough = a.CopiedThrough;
        copyError = a.CopyError;
    }

    /// <summary>Closed files still on disk that were not copied yet, oldest first, at most <paramref name="max"/>.</summary>
    public List<string> Pending(RotatingGzipFile output, int max) =>
        [.. output.Files.Where(f => f != output.Current && !Copied(f) && File.Exists(f)).Take(max)];

    /// <summary>Files the fileCount rotation deleted before they were copied.</summary>
    public int Missed(RotatingGzipFile output) => output.Deleted.Count(f => !Copied(f));

    /// <summary>Deletes staged files that reached the claim (and, through <paramref name="deliveredElsewhere"/>, every other output).</summary>
    public void Sweep(RotatingGzipFile output, Func<string, bool> deliveredElsewhere)
    {
        if (keepLocal)
        {
            return;
        }

        foreach (var f in output.Files.Where(f => f != output.Current && Copied(f) && deliveredElsewhere(Path.GetFileName(f))))
        {
            File.Delete(f);
        }
    }

    private bool Copied(string path) => copiedThrough is { } through && TraceFileNames.Compare(Path.GetFileName(path), through) <= 0;
}
