using Microsoft.Extensions.Logging;

namespace Retina.Kube.Informers;

internal static partial class InformerLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Informer {Kind} listed {Count} objects at version {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string kind, int count, string resourceVersion);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Informer {Kind}: version {ResourceVersion} expired (410), relisting")]
    public static partial void Expired(ILogger logger, string kind, string resourceVersion);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Informer {Kind}: list/watch failed, retrying in {Delay}")]
    public static partial void Failed(ILogger logger, Exception exception, string kind, TimeSpan delay);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Informer {Kind}: watch ended at version {ResourceVersion}, re-watching")]
    public static partial void WatchEnded(ILogger logger, string kind, string resourceVersion);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Informer {Kind}: a handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string kind);
}
