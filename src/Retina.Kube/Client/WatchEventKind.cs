namespace Retina.Kube.Client;

public enum WatchEventKind
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}
