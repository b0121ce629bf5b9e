using k8s.Models;

namespace Retina.Kube.Client;

/// <summary>One event of a watch stream: the object (for Added/Modified/Deleted/Bookmark) or the Status (for Error).</summary>
public sealed record WatchEvent<T>(WatchEventKind Type, T? Object, V1Status? Status = null)
    where T : class
{
    /// <summary>True when the event is a 410 Expired/Gone error: the caller must relist.</summary>
    public bool IsGone => Type == WatchEventKind.Error && Status?.Code == 410;
}
