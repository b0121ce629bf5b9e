using Microsoft.Extensions.Logging;

namespace Retina.Local.Hosting;

/// <summary>Adds this host's node runtime to local mode.</summary>
public static class LocalNodeRuntime
{
    public static void Add(LocalOptions options, ILoggerFactory loggers)
    {
        options.Notices.Add("node runtime: not wired into local mode yet (plugins and captures land with the node runtime issues)");
    }
}
