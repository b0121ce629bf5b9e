namespace Retina.Controllers.NodeRuntime;

/// <summary>
/// One reconcile pass's node assignments of a Capture or TraceSession: the nodes that hold it, those queued because
/// their list is full (they keep their place in status as Pending), and whether some node had no NodeRuntime yet;
/// and when to look again from that.
/// </summary>
/// <param name="assigned">The nodes that held it before this pass; the tally keeps it current.</param>
internal sealed class AssignmentTally(HashSet<string> assigned)
{
    public HashSet<string> Assigned { get; } = assigned;

    public SortedSet<string> Queued { get; } = new(StringComparer.Ordinal);

    public bool MissingRuntime { get; private set; }

    public void Record(string node, AssignmentOutcome outcome)
    {
        switch (outcome)
        {
            case AssignmentOutcome.Written:
                Assigned.Add(node);
                break;
            case AssignmentOutcome.NodeFull:
                // Waits for room, and runs the whole duration once admitted.
                Assigned.Remove(node);
                Queued.Add(node);
                break;
            default:
                MissingRuntime = true;
                break;
        }
    }

    /// <summary>Soon while a node has no runtime, every 5 s while nothing is assigned or a node is full, else at <paramref name="recheck"/>.</summary>
    public Retina.Kube.Controllers.ReconcileResult Requeue(TimeSpan recheck) =>
        Retina.Kube.Controllers.ReconcileResult.Requeue(MissingRuntime ? TimeSpan.FromSeconds(2) : Assigned.Count == 0 || Queued.Count > 0 ? TimeSpan.FromSeconds(5) : recheck);
}
